using System.Reflection;
using DbUp.Engine;
using Orbit.Shared.Modules;

namespace Orbit.Shared.Data.Migrations;

/// <summary>
/// A module's schema and its ordered SQL scripts: its own (<c>db/migrations/&lt;module&gt;/NNNN_*.sql</c>) and, for a
/// module that publishes or consumes integration events, the outbox and inbox scripts whose shape Shared owns
/// (<c>src/Shared/Events/Schema</c>), with <c>{{schema}}</c> replaced by the module's schema.
/// </summary>
public sealed record ModuleMigrations(string Module, string Schema, IReadOnlyList<SqlScript> Scripts)
{
    private const string ResourcePrefix = "migrations/";
    private const string OutboxScriptPrefix = "outbox-schema/";
    private const string InboxScript = "0301_inbox.sql";

    /// <summary>Reads the scripts the module's project embeds as <c>migrations/&lt;file&gt;.sql</c>.</summary>
    public static ModuleMigrations Of(IModule module)
    {
        var assembly = module.GetType().Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SqlScript(name[ResourcePrefix.Length..], Read(assembly, name)))
            .Concat(EventPlumbing(module))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToList();
        return new ModuleMigrations(module.Name, module.Schema, scripts);
    }

    /// <summary>The outbox scripts for a publisher, the inbox script for a consumer; ordered with the module's own by number.</summary>
    private static IEnumerable<SqlScript> EventPlumbing(IModule module)
    {
        var shared = typeof(ModuleMigrations).Assembly;
        foreach (var name in shared.GetManifestResourceNames().Where(n => n.StartsWith(OutboxScriptPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = name[OutboxScriptPrefix.Length..];
            var wanted = file == InboxScript ? module.ConsumesEvents : module.PublishesEvents;
            if (wanted)
            {
                // The schema is a module's compile-time constant, never input.
                yield return new SqlScript(file, Read(shared, name).Replace("{{schema}}", module.Schema, StringComparison.Ordinal));
            }
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration '{name}' vanished from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

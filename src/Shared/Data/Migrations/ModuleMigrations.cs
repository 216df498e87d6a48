using System.Reflection;
using DbUp.Engine;
using Orbit.Shared.Modules;

namespace Orbit.Shared.Data.Migrations;

/// <summary>A module's schema and its ordered SQL scripts (<c>db/migrations/&lt;module&gt;/NNNN_*.sql</c>).</summary>
public sealed record ModuleMigrations(string Module, string Schema, IReadOnlyList<SqlScript> Scripts)
{
    private const string ResourcePrefix = "migrations/";

    /// <summary>Reads the scripts the module's project embeds as <c>migrations/&lt;file&gt;.sql</c>.</summary>
    public static ModuleMigrations Of(IModule module)
    {
        var assembly = module.GetType().Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SqlScript(name[ResourcePrefix.Length..], Read(assembly, name)))
            .ToList();
        return new ModuleMigrations(module.Name, module.Schema, scripts);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration '{name}' vanished from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

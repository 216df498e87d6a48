using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Orbit.Shared.Data.Migrations;
using Orbit.Shared.Events;
using Orbit.Shared.Modules;

namespace Orbit.ArchitectureTests;

/// <summary>What a module is, read from its code: what its page (<c>src/Modules/&lt;Name&gt;/README.md</c>) must say.</summary>
/// <param name="Consumes">The event types its consumers take, or null when one takes every event.</param>
internal sealed record ModuleFacts(
    string Name,
    string Schema,
    IReadOnlyList<string> Tables,
    IReadOnlyList<string> Publishes,
    IReadOnlyList<string>? Consumes,
    IReadOnlyList<string> Settings,
    IReadOnlyList<string> ContractTypes)
{
    private const BindingFlags Statics = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <param name="all">Every module the host runs: the event types and tables are read across them.</param>
    public static ModuleFacts Of(IModule module, IReadOnlyList<IModule> all)
    {
        var assembly = module.GetType().Assembly;
        var contracts = ContractsOf(assembly);
        var knownEvents = all.Select(m => ContractsOf(m.GetType().Assembly)).Append(contracts).OfType<Assembly>().Distinct()
            .SelectMany(EventTypesOf).Select(e => e.Name).Distinct().ToList();
        return new ModuleFacts(
            module.Name,
            module.Schema,
            TablesOf(module.Schema, all),
            contracts is null ? [] : [.. EventTypesOf(contracts).Select(e => e.Name)],
            ConsumedBy(assembly, knownEvents),
            SettingsOf(assembly),
            contracts is null ? [] : [.. contracts.GetExportedTypes().Where(t => !t.IsNested && !typeof(IIntegrationEvent).IsAssignableFrom(t)).Select(t => t.Name)]);
    }

    /// <summary>The module's Contracts assembly, if it has one (<c>Orbit.Modules.Tasks</c> → <c>Orbit.Modules.Tasks.Contracts</c>).</summary>
    private static Assembly? ContractsOf(Assembly module)
    {
        var name = module.GetReferencedAssemblies().FirstOrDefault(a => a.Name == module.GetName().Name + ".Contracts");
        return name is null ? null : Assembly.Load(name);
    }

    private static IEnumerable<(Type Type, string Name)> EventTypesOf(Assembly contracts) =>
        contracts.GetExportedTypes()
            .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
            .Select(t => (t, EventTypeOf(t)));

    public static string EventTypeOf(Type eventType) =>
        (string)eventType.GetProperty(nameof(IIntegrationEvent.EventType), Statics)!.GetValue(null)!;

    /// <summary>
    /// Typed consumers declare their types (<see cref="IIntegrationEventHandler{TEvent}"/>, or any generic interface over
    /// an event, or <see cref="IEveryIntegrationEventHandler"/> for all of them); a consumer without declarations is asked, uninitialised, which of the known types it accepts (its
    /// <c>Accepts</c> reads no state of its own). Null when one accepts them all.
    /// </summary>
    private static IReadOnlyList<string>? ConsumedBy(Assembly module, IReadOnlyList<string> knownEvents)
    {
        var consumed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var consumer in module.GetTypes().Where(t => typeof(IIntegrationEventSubscriber).IsAssignableFrom(t) && !t.IsAbstract))
        {
            // A typed consumer of every event says so by its handler interface (Audit).
            if (typeof(IEveryIntegrationEventHandler).IsAssignableFrom(consumer))
            {
                return null;
            }

            var declared = consumer.GetInterfaces()
                .Where(i => i.IsGenericType)
                .SelectMany(i => i.GetGenericArguments())
                .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsInterface)
                .Select(EventTypeOf)
                .ToList();
            if (declared.Count > 0 || typeof(IntegrationEventConsumer).IsAssignableFrom(consumer))
            {
                consumed.UnionWith(declared);
                continue;
            }

            var subscriber = (IIntegrationEventSubscriber)RuntimeHelpers.GetUninitializedObject(consumer);
            var accepted = knownEvents.Where(subscriber.Accepts).ToList();
            if (accepted.Count == knownEvents.Count && subscriber.Accepts("any.future_event"))
            {
                return null;
            }

            consumed.UnionWith(accepted);
        }

        return [.. consumed];
    }

    /// <summary>The configuration sections the module binds: its options classes' <c>Section</c> (or <c>SectionName</c>) constants.</summary>
    private static IReadOnlyList<string> SettingsOf(Assembly module) =>
        [.. module.GetTypes()
            .SelectMany(t => t.GetFields(Statics))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name is "Section" or "SectionName")
            .Select(f => (string)f.GetRawConstantValue()!)
            .Distinct()];

    /// <summary>
    /// The tables in the schema once every module's scripts ran (Shared's outbox and inbox included): created, less
    /// those dropped or moved to another schema, plus those moved in.
    /// </summary>
    private static IReadOnlyList<string> TablesOf(string schema, IReadOnlyList<IModule> all)
    {
        var sql = string.Join("\n", all.SelectMany(m => ModuleMigrations.Of(m).Scripts).Select(s => s.Contents));
        var statement = new Regex(
            @"\b(?:create\s+table\s+(?:if\s+not\s+exists\s+)?(?<created>[a-z_]+\.[a-z_]+)|drop\s+table\s+(?:if\s+exists\s+)?(?<dropped>[a-z_]+\.[a-z_]+)|alter\s+table\s+(?:if\s+exists\s+)?(?<moved>[a-z_]+\.[a-z_]+)\s+set\s+schema\s+(?<to>[a-z_]+)|alter\s+table\s+(?:if\s+exists\s+)?(?<renamed>[a-z_]+\.[a-z_]+)\s+rename\s+to\s+(?<name>[a-z_]+))",
            RegexOptions.IgnoreCase);
        var present = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match match in statement.Matches(sql))
        {
            if (match.Groups["created"].Success)
            {
                present.Add(match.Groups["created"].Value.ToLowerInvariant());
            }
            else if (match.Groups["dropped"].Success)
            {
                present.Remove(match.Groups["dropped"].Value.ToLowerInvariant());
            }
            else if (match.Groups["moved"].Success)
            {
                var moved = match.Groups["moved"].Value.ToLowerInvariant();
                present.Remove(moved);
                present.Add(match.Groups["to"].Value.ToLowerInvariant() + "." + moved.Split('.')[1]);
            }
            else
            {
                var renamed = match.Groups["renamed"].Value.ToLowerInvariant();
                present.Remove(renamed);
                present.Add(renamed.Split('.')[0] + "." + match.Groups["name"].Value.ToLowerInvariant());
            }
        }

        return [.. present.Where(t => t.StartsWith(schema + ".", StringComparison.Ordinal)).Select(t => t[(schema.Length + 1)..])];
    }
}

/// <summary>
/// A module's page, <c>src/Modules/&lt;Name&gt;/README.md</c>, checked against <see cref="ModuleFacts"/> so that it cannot
/// drift from the code: the headings exactly as the house wrote them down, and in them, in backticks, the schema and
/// its tables, every event type it publishes and consumes (and none it does not), every configuration section it
/// binds, and its Contracts project's public types.
/// </summary>
internal static partial class ModulePages
{
    public static readonly string[] Sections = ["Owns", "Schema", "Publishes", "Consumes", "Settings", "Contracts"];

    public static IReadOnlyList<string> Violations(ModuleFacts facts, string? page, IReadOnlyCollection<string> knownEventTypes)
    {
        if (page is null)
        {
            return [$"{facts.Name} has no page src/Modules/{facts.Name}/README.md"];
        }

        var violations = new List<string>();
        var lines = page.ReplaceLineEndings("\n").Split('\n');
        if (lines[0] != $"# {facts.Name} module")
        {
            violations.Add($"{facts.Name}: the page starts with '# {facts.Name} module'");
        }

        var headings = lines.Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l[3..]).ToList();
        if (!headings.SequenceEqual(Sections, StringComparer.Ordinal))
        {
            violations.Add($"{facts.Name}: the headings are ## {string.Join(", ## ", Sections)} in this order, not ## {string.Join(", ## ", headings)}");
        }

        string Section(string heading)
        {
            var start = Array.IndexOf(lines, "## " + heading);
            return start < 0 ? "" : string.Join("\n", lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)));
        }

        void Names(string heading, IEnumerable<string> names, string what)
        {
            var named = Quoted(Section(heading));
            violations.AddRange(names.Where(n => !named.Contains(n)).Select(n => $"{facts.Name}: ## {heading} does not name {what} `{n}`"));
        }

        void NamesExactlyEvents(string heading, IReadOnlyList<string> events, string empty)
        {
            var text = Section(heading);
            Names(heading, events, "the event type");
            violations.AddRange(Quoted(text).Where(n => knownEventTypes.Contains(n) && !events.Contains(n))
                .Select(n => $"{facts.Name}: ## {heading} names `{n}`, which the module does not {heading.ToLowerInvariant()[..^1]}"));
            if (events.Count == 0 && !text.Contains(empty, StringComparison.Ordinal))
            {
                violations.Add($"{facts.Name}: ## {heading} says \"{empty}\"");
            }
        }

        Names("Schema", [facts.Schema, .. facts.Tables], "the schema or table");
        NamesExactlyEvents("Publishes", facts.Publishes, "Nothing.");

        // A consumer that declares every event type there is may say so instead of listing them.
        var saysEvery = Section("Consumes").Contains("Every event.", StringComparison.Ordinal);
        if (facts.Consumes is null)
        {
            if (!saysEvery)
            {
                violations.Add($"{facts.Name}: ## Consumes says \"Every event.\" (a consumer of the module takes every event)");
            }
        }
        else if (!(saysEvery && knownEventTypes.Count > 0 && knownEventTypes.All(facts.Consumes.Contains)))
        {
            NamesExactlyEvents("Consumes", facts.Consumes, "Nothing.");
        }

        Names("Settings", facts.Settings, "the configuration section");
        Names("Contracts", facts.ContractTypes, "the contract type");
        return violations;
    }

    private static HashSet<string> Quoted(string text) =>
        [.. Backticked().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}

using System.Reflection;
using System.Text.RegularExpressions;
using Mediator;

namespace Orbit.ArchitectureTests;

/// <summary>
/// The house rules as functions that return their violations, so each can be shown to fail on a deliberately bad
/// sample (see <see cref="RulesCanFailTests"/>) as well as to pass on the real modules.
/// </summary>
internal static partial class ArchitectureRules
{
    private static readonly Type[] HandlerInterfaces =
    [
        typeof(ICommandHandler<,>), typeof(IQueryHandler<,>), typeof(IRequestHandler<,>), typeof(INotificationHandler<>),
    ];

    /// <summary>A module may reference Orbit.Shared and other modules' Contracts, and no other Orbit assembly.</summary>
    public static IReadOnlyList<string> ForbiddenReferences(Assembly module)
    {
        var own = module.GetName().Name!;
        return module.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => name.StartsWith("Orbit.", StringComparison.Ordinal))
            .Where(name => name != "Orbit.Shared" && name != own + ".Contracts" && !name.EndsWith(".Contracts", StringComparison.Ordinal))
            .Select(name => $"{own} references {name}")
            .ToList();
    }

    /// <summary>A Contracts assembly references Orbit.Shared only: it is what others may depend on.</summary>
    public static IReadOnlyList<string> ContractsReferences(Assembly contracts) =>
        contracts.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => name.StartsWith("Orbit.", StringComparison.Ordinal) && name != "Orbit.Shared")
            .Select(name => $"{contracts.GetName().Name} references {name}")
            .ToList();

    /// <summary>Handlers are never public: only the host's generated mediator calls them.</summary>
    public static IReadOnlyList<string> PublicHandlers(Assembly assembly) =>
        assembly.GetTypes()
            .Where(type => type.IsVisible)
            .Where(type => type.GetInterfaces().Any(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())))
            .Select(type => $"{type.FullName} is a public handler")
            .ToList();

    /// <summary>A module exposes nothing publicly: its published surface is its Contracts assembly.</summary>
    public static IReadOnlyList<string> PublicTypes(Assembly module) =>
        module.GetExportedTypes().Select(type => $"{type.FullName} is public in a module").ToList();

    /// <summary>
    /// The SQL of a module names no schema but its own: every string its code holds (<see cref="ModuleSqlText"/>), so
    /// SQL built at run time counts as much as SQL in constants.
    /// </summary>
    public static IReadOnlyList<string> ForeignSchemaSql(Assembly module, string ownSchema, IEnumerable<string> allSchemas)
    {
        var foreign = allSchemas.Where(schema => schema != ownSchema).ToList();
        if (foreign.Count == 0)
        {
            return [];
        }

        var pattern = new Regex($@"\b(from|join|into|update|table|references)\s+""?({string.Join('|', foreign)})""?\.", RegexOptions.IgnoreCase);
        return ModuleSqlText.Of(module)
            .Where(text => pattern.IsMatch(text.Text))
            .Select(text => $"{text.Where} reaches into another module's schema: {pattern.Match(text.Text).Value}")
            .Distinct()
            .ToList();
    }
}

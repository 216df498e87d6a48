using System.Reflection;
using System.Text.RegularExpressions;
using FluentValidation;
using Mediator;
using Orbit.Shared.Authorization;
using Orbit.Shared.Http;

namespace Orbit.ArchitectureTests;

/// <summary>
/// How the types of a slice (<c>Features/&lt;Slice&gt;/</c>, namespace <c>...Features.&lt;Slice&gt;</c>) are named, so that
/// someone looking for "create task" finds <c>CreateTaskCommand</c>, <c>CreateTaskValidator</c>, <c>CreateTaskHandler</c>
/// and <c>CreateTaskEndpoint</c> in <c>Features/CreateTask</c>:
/// <list type="bullet">
/// <item>a type's role fixes its suffix, and the suffix its role: a command ends in <c>Command</c>, a query in
/// <c>Query</c>, their handlers in <c>Handler</c>, validators in <c>Validator</c>, request authorizers in
/// <c>Authorizer</c>, endpoint classes in <c>Endpoint</c> (or <c>Endpoints</c> for several);</item>
/// <item>what comes before the suffix is the action (<c>&lt;Verb&gt;&lt;Noun&gt;</c>): a handler, validator or authorizer
/// carries the action of the message it serves (<c>CreateTaskHandler</c> handles <c>CreateTaskCommand</c>), an endpoint
/// the action of a message in its slice or the slice's own name;</item>
/// <item>a message's action is the slice's name (<c>CreateTask</c>), or names the same thing with another verb
/// (<c>EnableUser</c> beside <c>DisableUser</c>), or the slice is named after the thing its actions share, in the
/// plural (<c>CreatePersonalAccessToken</c> in <c>PersonalAccessTokens</c>, <c>ReadChangeFeed</c> in <c>ChangeFeed</c>).</item>
/// </list>
/// Other types of a slice (request bodies, responses, rows) are free to be named as they read best.
/// </summary>
internal static partial class SliceNames
{
    private const string FeaturesSegment = ".Features.";

    public static IReadOnlyList<string> Violations(Assembly assembly)
    {
        var violations = new List<string>();
        var slices = assembly.GetTypes()
            .Where(type => !type.IsNested && !type.Name.Contains('<', StringComparison.Ordinal) && type.Namespace?.Contains(FeaturesSegment, StringComparison.Ordinal) == true)
            .GroupBy(type => type.Namespace![(type.Namespace!.IndexOf(FeaturesSegment, StringComparison.Ordinal) + FeaturesSegment.Length)..].Split('.')[0]);

        foreach (var slice in slices)
        {
            var actions = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in slice)
            {
                var role = RoleOf(type);
                var suffix = SuffixOf(type.Name);
                if (role is null)
                {
                    if (suffix is not null)
                    {
                        violations.Add($"{type.FullName} is named a {suffix} but is not one");
                    }

                    continue;
                }

                if (!RoleSuffixes[role].Contains(suffix))
                {
                    violations.Add($"{type.FullName} is a {role.ToLowerInvariant()}: its name ends in {string.Join(" or ", RoleSuffixes[role])}");
                    continue;
                }

                if (role is "Command" or "Query")
                {
                    var action = type.Name[..^suffix!.Length];
                    actions.Add(action);
                    if (!BelongsTo(action, slice.Key))
                    {
                        violations.Add($"{type.FullName}: the action {action} does not belong in Features/{slice.Key} (name the folder after the action, or the thing its actions share)");
                    }
                }
            }

            foreach (var type in slice)
            {
                var role = RoleOf(type);
                var suffix = SuffixOf(type.Name);
                if (role is null || suffix is null || role is "Command" or "Query")
                {
                    continue;
                }

                var action = type.Name[..^suffix.Length];
                if (role == "Endpoint")
                {
                    if (!actions.Contains(action) && action != slice.Key)
                    {
                        violations.Add($"{type.FullName}: an endpoint is named after an action of its slice ({string.Join(", ", actions.Order())}) or the slice");
                    }

                    continue;
                }

                var served = MessagesServedBy(type).Select(message => message.Name).ToList();
                if (served.Count > 0 && !served.Any(message => message == action + "Command" || message == action + "Query"))
                {
                    violations.Add($"{type.FullName} serves {string.Join(", ", served)}: name it after that message's action");
                }
            }
        }

        return violations;
    }

    private static readonly Dictionary<string, string[]> RoleSuffixes = new(StringComparer.Ordinal)
    {
        ["Command"] = ["Command"],
        ["Query"] = ["Query"],
        ["Handler"] = ["Handler"],
        ["Validator"] = ["Validator"],
        ["Authorizer"] = ["Authorizer"],
        ["Endpoint"] = ["Endpoint", "Endpoints"],
    };

    private static string? SuffixOf(string name) =>
        RoleSuffixes.Values.SelectMany(s => s).OrderByDescending(s => s.Length).FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal) && name.Length > s.Length);

    private static string? RoleOf(Type type)
    {
        if (typeof(IBaseCommand).IsAssignableFrom(type))
        {
            return "Command";
        }

        if (typeof(IBaseQuery).IsAssignableFrom(type))
        {
            return "Query";
        }

        if (typeof(IEndpoint).IsAssignableFrom(type))
        {
            return "Endpoint";
        }

        if (Implements(type, typeof(ICommandHandler<,>)) || Implements(type, typeof(IQueryHandler<,>)) || Implements(type, typeof(ICommandHandler<>)))
        {
            return "Handler";
        }

        if (Implements(type, typeof(IValidator<>)))
        {
            return "Validator";
        }

        return Implements(type, typeof(IRequestAuthorizer<>)) ? "Authorizer" : null;
    }

    private static bool Implements(Type type, Type generic) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    private static IEnumerable<Type> MessagesServedBy(Type type) =>
        type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
                && (d == typeof(ICommandHandler<,>) || d == typeof(IQueryHandler<,>) || d == typeof(ICommandHandler<>) || d == typeof(IValidator<>) || d == typeof(IRequestAuthorizer<>)))
            .Select(i => i.GetGenericArguments()[0])
            .Where(message => typeof(IBaseCommand).IsAssignableFrom(message) || typeof(IBaseQuery).IsAssignableFrom(message))
            .Distinct();

    private static bool BelongsTo(string action, string slice)
    {
        if (action == slice)
        {
            return true;
        }

        var noun = NounOf(action);
        return noun.Length > 0 && (noun == slice || noun == NounOf(slice) || slice == noun + "s");
    }

    /// <summary>The words after the verb: <c>PersonalAccessToken</c> of <c>CreatePersonalAccessToken</c>.</summary>
    private static string NounOf(string action)
    {
        var words = Words().Matches(action);
        return words.Count < 2 ? "" : action[words[1].Index..];
    }

    [GeneratedRegex("[A-Z][a-z0-9]*")]
    private static partial Regex Words();
}

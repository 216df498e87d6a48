using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Primitives;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Host.Http;

/// <summary>
/// Holds every text parameter an endpoint binds (query values such as <c>q</c>, <c>label</c> or an admin filter,
/// route values such as <c>idOrKey</c>, header values) to <see cref="InputText"/>'s rule, for all endpoints at once:
/// a 400 validation problem names the parameter. Endpoints without text parameters get no filter at all.
/// </summary>
/// <remarks>
/// A NUL in the path never gets this far: the server's request-line parser refuses it (Kestrel answers 400), and
/// percent-decoding only ever yields well-formed text. The route check is for completeness, not a known hole.
/// </remarks>
internal static class InputTextFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var text = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => p.parameter.ParameterType == typeof(string) || p.parameter.ParameterType == typeof(string[]) || p.parameter.ParameterType == typeof(StringValues))
            .Select(p => (p.index, Name: NameOf(p.parameter)))
            .ToArray();
        if (text.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            Dictionary<string, string[]>? faults = null;
            foreach (var (index, name) in text)
            {
                IEnumerable<string?> values = invocation.Arguments[index] switch
                {
                    string value => [value],
                    string[] many => many,
                    StringValues many => many,
                    _ => [],
                };
                if (values.Select(v => v is null ? null : InputText.Fault(v)).FirstOrDefault(f => f is not null) is { } fault)
                {
                    (faults ??= [])[name] = [fault];
                }
            }

            return faults is null ? next(invocation) : ValueTask.FromResult<object?>(ApiResults.Problem(new ValidationError(faults)));
        };
    }

    // The name the client sends: [FromQuery(Name = ...)] and the like, else the parameter's own name.
    private static string NameOf(ParameterInfo parameter) =>
        parameter.GetCustomAttributes().Select(a => a switch
        {
            IFromQueryMetadata query => query.Name,
            IFromRouteMetadata route => route.Name,
            IFromHeaderMetadata header => header.Name,
            _ => null,
        }).FirstOrDefault(n => n is not null) ?? parameter.Name!;
}

using System.Reflection;
using Microsoft.AspNetCore.Routing;

namespace Orbit.Shared.Http;

/// <summary>One feature's route(s). Lives in the feature's folder beside its command and handler.</summary>
public interface IEndpoint
{
    void Map(IEndpointRouteBuilder api);
}

public static class EndpointRouteBuilderExtensions
{
    /// <summary>Maps every <see cref="IEndpoint"/> of a module's assembly, so adding a feature is adding a folder.</summary>
    public static IEndpointRouteBuilder MapEndpointsOf(this IEndpointRouteBuilder api, Assembly assembly)
    {
        var endpoints = assembly.DefinedTypes
            .Where(t => t is { IsAbstract: false, IsInterface: false } && t.IsAssignableTo(typeof(IEndpoint)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IEndpoint)Activator.CreateInstance(t)!);
        foreach (var endpoint in endpoints)
        {
            endpoint.Map(api);
        }

        return api;
    }
}

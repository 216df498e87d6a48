using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Features.ListProjects;
using Orbit.Modules.Projects.Members;
using Orbit.Shared.Caching;
using Orbit.Shared.Authorization;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Projects;

internal sealed class ProjectsModule : IModule
{
    public const string SchemaName = "projects";

    public string Name => "Projects";

    public string Schema => SchemaName;

    public bool PublishesEvents => true;

    public bool KeepsIdempotencyKeys => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<ProjectsModule>(includeInternalTypes: true);

        // Other modules ask IProjectMembership and IProjectAccess too. Scoped: a cache miss reads on the request's connection.
        services.AddScoped<IProjectMembership, CachedProjectMembership>();
        services.AddScoped<IProjectAccess, ProjectAccess>();
        services.AddScoped<MembershipCache>();
        services.AddSingleton<MembershipEntries>();
        services.AddSingleton<ICacheEvictionTarget>(sp => sp.GetRequiredService<MembershipEntries>());
        services.AddScoped<MembershipChanges>();
        services.AddScoped<IProjectMembers, ProjectMembers>();

        // One authorizer for every IProjectRequest; the container skips it for messages that do not satisfy the constraint.
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(ProjectRequestAuthorizer<>));
        services.AddScoped<IRequestAuthorizer<ListProjectsQuery>, ListProjectsAuthorizer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(ProjectsModule).Assembly);
}

using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Authorization;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Tasks;

internal sealed class TasksModule : IModule
{
    public const string SchemaName = "tasks";

    public string Name => "Tasks";

    public string Schema => SchemaName;

    public bool PublishesEvents => true;

    public bool KeepsIdempotencyKeys => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<TasksModule>(includeInternalTypes: true);
        services.AddScoped<TaskLinks>();
        services.AddScoped<AuthorizedRows>();

        // Open generics constrained to the request interfaces: the container applies each only to the messages that
        // implement its interface, and the AuthorizationBehavior runs whatever applies.
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(ProjectTasksAuthorizer<>));
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(TaskAuthorizer<>));
        services.AddScoped(typeof(IRequestAuthorizer<>), typeof(CommentAuthorizer<>));
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(TasksModule).Assembly);
}

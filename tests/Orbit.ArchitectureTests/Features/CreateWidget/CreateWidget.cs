using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Events;
using Orbit.Shared.Modules;

// A slice and a module that break the naming and page rules on purpose (RulesCanFailTests).
namespace Orbit.ArchitectureTests.Features.CreateWidget;

internal sealed record CreateWidgetCommand(string Name) : ICommand<int>;

// Another noun's action in this slice.
internal sealed record ArchiveGadgetCommand(int Id) : ICommand<int>;

// A handler not named as one.
internal sealed class WidgetMaker : ICommandHandler<CreateWidgetCommand, int>
{
    public ValueTask<int> Handle(CreateWidgetCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

// A validator named after another action than its message's.
internal sealed class CreateWidgetCheckValidator : AbstractValidator<CreateWidgetCommand>;

// Named like a query, but no query.
internal sealed record WidgetsQuery(int Page);

internal sealed class SampleOptions
{
    public const string Section = "Sample:Widgets";
}

internal sealed class SampleConsumer : IntegrationEventConsumer, IIntegrationEventHandler<TaskCreated>
{
    public override string Consumer => "sample";

    public override string Schema => "sample";

    public Task HandleAsync(TaskCreated integrationEvent, IntegrationMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class SampleModule : IModule
{
    public string Name => "Sample";

    public string Schema => "sample";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder api)
    {
    }
}

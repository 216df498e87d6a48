using Orbit.Shared.Validation;
using System.Globalization;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Modules.Tasks.Resources;
using Orbit.Shared.Data;
using Orbit.Shared.Events;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Tasks.Features.CreateTask;

internal sealed record CreateTaskRequest(
    string? Title,
    string? Description,
    string? Status,
    string? Priority,
    Guid? AssigneeId,
    IReadOnlyList<string>? Labels,
    string? DueDate,
    Guid? ParentId);

internal sealed record CreateTaskCommand(Guid ProjectId, Guid ActorId, CreateTaskRequest Task) : ICommand<Result<TaskResponse>>, IProjectTasksRequest
{
    public ProjectRole RequiredRole => ProjectRole.Member;

    public bool Changes => true;
}

internal sealed class CreateTaskValidator : AbstractValidator<CreateTaskCommand>
{
    public CreateTaskValidator()
    {
        // Field names are the request's, not "Task.Title".
        RuleFor(c => c.Task.Title).ValidTitle().OverridePropertyName("title");
        RuleFor(c => c.Task.Description).ValidDescription().OverridePropertyName("description");
        RuleFor(c => c.Task.Status).OneOf(TaskValues.StatusValues)
            .WithMessage($"status must be one of: {TaskValues.StatusList}.").OverridePropertyName("status");
        RuleFor(c => c.Task.Priority).OneOf(TaskValues.PriorityValues)
            .WithMessage($"priority must be one of: {TaskValues.PriorityList}.").OverridePropertyName("priority");
        RuleFor(c => c.Task.Labels).ValidLabels().OverridePropertyName("labels");
        RuleFor(c => c.Task.DueDate).HasFormat("date", d => DueDates.TryParse(d, out _))
            .WithMessage("dueDate must be a date as YYYY-MM-DD.").OverridePropertyName("dueDate");
    }
}

internal sealed class CreateTaskHandler(IDbSession session, Outbox outbox, IProjectMembership memberships, TaskLinks links, TimeProvider clock)
    : ICommandHandler<CreateTaskCommand, Result<TaskResponse>>
{
    // One statement takes the next number, inserts the task and writes its task.created event: the counter row (created
    // with the project's first task) is locked by the upsert and stays locked until commit, queueing concurrent creates
    // in one project so that numbers are gap-free. Nothing else runs while it is held but the commit: the event is
    // written here rather than in a round trip of its own (its key is only known here, so the statement sets it in the
    // payload), and the relays are woken after the commit (Outbox.NotifyAfterCommitAsync).
    private static readonly string InsertSql = $$"""
        with counter as (
            insert into tasks.project_counters as c (project_id, project_key, last_number) values (@ProjectId, @ProjectKey, 1)
            on conflict (project_id) do update set last_number = c.last_number + 1
            returning c.last_number
        ), task as (
            insert into tasks.tasks as t (id, project_id, number, key, title, description, status, priority, assignee_id, labels,
                                     due_date, parent_id, created_by, created_at, updated_by, updated_at, completed_at)
            select @Id, @ProjectId, counter.last_number, @ProjectKey || '-' || counter.last_number, @Title, @Description, @Status,
                   @Priority, @AssigneeId, @Labels, cast(@DueDate as date), @ParentId, @ActorId, @Now, @ActorId, @Now, @CompletedAt
            from counter
            returning {{TaskRow.Columns}}
        ), created as (
            insert into tasks.outbox_messages (id, type, version, aggregate_id, payload, occurred_at, trace_parent)
            select @EventId, @EventType, @EventVersion, task.id,
                   jsonb_set(cast(@EventPayload as jsonb), '{{{OutboxMessage.PayloadName(nameof(TaskCreated.Key))}}}', to_jsonb(task.key)),
                   @OccurredAt, @TraceParent
            from task
        )
        select * from task
        """;

    public async ValueTask<Result<TaskResponse>> Handle(CreateTaskCommand command, CancellationToken cancellationToken)
    {
        var request = command.Task;
        var project = (await memberships.FindAsync(command.ProjectId, command.ActorId, cancellationToken))!;
        var connection = await session.OpenAsync(cancellationToken);
        if (await links.CheckAssigneeAsync(command.ProjectId, request.AssigneeId, cancellationToken) is { } badAssignee)
        {
            return badAssignee;
        }

        if (await TaskLinks.CheckParentAsync(connection, command.ProjectId, null, request.ParentId, cancellationToken) is { } badParent)
        {
            return badParent;
        }

        var now = clock.GetUtcNow().UtcDateTime;

        var status = request.Status is null ? WorkStatus.Todo : TaskValues.ParseStatus(request.Status);
        var priority = request.Priority is null ? WorkPriority.None : TaskValues.ParsePriority(request.Priority);
        var dueDate = DueDates.Parse(request.DueDate);
        var id = Guid.CreateVersion7(now);
        var title = request.Title!.Trim();
        var labels = TaskRules.NormalizeLabels(request.Labels);
        // The event as it will be stored, but for its key, which the statement fills in.
        var created = OutboxMessage.Of(new TaskCreated(
            Guid.CreateVersion7(now), now, command.ActorId, command.ProjectId, id, "", title, status, priority,
            request.AssigneeId, labels, dueDate, request.ParentId));
        var row = await connection.QuerySingleAsync<TaskRow>(new CommandDefinition(InsertSql, new
        {
            Id = id,
            command.ProjectId,
            project.ProjectKey,
            Title = title,
            request.Description,
            Status = TaskValues.NameOf(status),
            Priority = (short)priority,
            request.AssigneeId,
            Labels = labels,
            DueDate = dueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            request.ParentId,
            command.ActorId,
            Now = now,
            CompletedAt = status == WorkStatus.Done ? now : (DateTime?)null,
            EventId = created.Id,
            EventType = created.Type,
            EventVersion = created.Version,
            EventPayload = created.Payload,
            created.OccurredAt,
            created.TraceParent,
        }, cancellationToken: cancellationToken));
        await outbox.NotifyAfterCommitAsync(TasksModule.SchemaName);

        var task = row.ToResponse();
        if (task.AssigneeId is not null)
        {
            await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskAssigned(
                Guid.CreateVersion7(now), now, command.ActorId, task.ProjectId, task.Id, task.Key, task.Title, task.AssigneeId, null), cancellationToken);
        }

        return task;
    }
}

internal sealed class CreateTaskEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("projects/{projectId:guid}/tasks", async (Guid projectId, CreateTaskRequest request, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new CreateTaskCommand(projectId, user.Id, request), cancellationToken)).Match(
                    task => Versioning.Created($"/api/v1/tasks/{task.Key}", task, task.Version, context),
                    ApiResults.Problem))
            .WithTags("Tasks")
            .WithName("CreateTask")
            .WithSummary("Create a task in a project (member)")
            .WithDescription("Numbers are per project and gap-free (ABC-1, ABC-2, ...). Defaults: status todo, priority none. Honours Idempotency-Key.")
            .RequireAuthorization()
            .WithIdempotency(TasksModule.SchemaName)
            .Produces<TaskResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}

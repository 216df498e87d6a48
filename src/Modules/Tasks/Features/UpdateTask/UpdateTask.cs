using Orbit.Shared.Validation;
using System.Globalization;
using System.Text.Json;
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

namespace Orbit.Modules.Tasks.Features.UpdateTask;

internal sealed record UpdateTaskCommand(string TaskRef, Guid ActorId, int? ExpectedVersion, TaskPatch Patch)
    : ICommand<Result<TaskResponse>>, ITaskRequest
{
    public ProjectRole RequiredRole => ProjectRole.Member;

    public bool Changes => true;
}

internal sealed class UpdateTaskValidator : AbstractValidator<UpdateTaskCommand>
{
    public UpdateTaskValidator()
    {
        When(c => c.Patch.Title.IsPresent, () =>
            RuleFor(c => c.Patch.Title.Value).ValidTitle().OverridePropertyName("title"));
        When(c => c.Patch.Description.IsPresent, () =>
            RuleFor(c => c.Patch.Description.Value).ValidDescription().OverridePropertyName("description"));
        When(c => c.Patch.Status.IsPresent, () =>
            RuleFor(c => c.Patch.Status.Value).NotNull().WithMessage($"status must be one of: {TaskValues.StatusList}.")
                .OneOf(TaskValues.StatusValues).WithMessage($"status must be one of: {TaskValues.StatusList}.").OverridePropertyName("status"));
        When(c => c.Patch.Priority.IsPresent, () =>
            RuleFor(c => c.Patch.Priority.Value).NotNull().WithMessage($"priority must be one of: {TaskValues.PriorityList}.")
                .OneOf(TaskValues.PriorityValues).WithMessage($"priority must be one of: {TaskValues.PriorityList}.").OverridePropertyName("priority"));
        When(c => c.Patch.Labels.IsPresent, () =>
            RuleFor(c => c.Patch.Labels.Value).ValidLabels().OverridePropertyName("labels"));
        When(c => c.Patch.DueDate.IsPresent, () =>
            RuleFor(c => c.Patch.DueDate.Value).HasFormat("date", d => DueDates.TryParse(d, out _))
                .WithMessage("dueDate must be a date as YYYY-MM-DD, or null.").OverridePropertyName("dueDate"));
    }
}

internal sealed class UpdateTaskHandler(IDbSession session, Outbox outbox, TaskLinks links, TimeProvider clock)
    : ICommandHandler<UpdateTaskCommand, Result<TaskResponse>>
{
    private const string UpdateSql = $"""
        update tasks.tasks t
        set title = @Title, description = @Description, status = @Status, priority = @Priority, assignee_id = @AssigneeId,
            labels = @Labels, due_date = cast(@DueDate as date), parent_id = @ParentId, completed_at = @CompletedAt,
            updated_at = @Now, updated_by = @ActorId, version = version + 1
        where id = @Id
        returning {TaskRow.Columns}
        """;

    public async ValueTask<Result<TaskResponse>> Handle(UpdateTaskCommand command, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var locked = await TaskLock.AcquireAsync(connection, command.TaskRef, command.ExpectedVersion, cancellationToken);
        if (!locked.IsSuccess)
        {
            return locked.Error;
        }

        var before = locked.Value.ToResponse();
        var patch = command.Patch;
        var after = before with
        {
            Title = patch.Title.IsPresent ? patch.Title.Value!.Trim() : before.Title,
            Description = patch.Description.Or(before.Description),
            Status = patch.Status.IsPresent ? TaskValues.ParseStatus(patch.Status.Value!) : before.Status,
            Priority = patch.Priority.IsPresent ? TaskValues.ParsePriority(patch.Priority.Value!) : before.Priority,
            AssigneeId = patch.AssigneeId.Or(before.AssigneeId),
            Labels = patch.Labels.IsPresent ? TaskRules.NormalizeLabels(patch.Labels.Value) : before.Labels,
            DueDate = patch.DueDate.IsPresent ? DueDates.Parse(patch.DueDate.Value) : before.DueDate,
            ParentId = patch.ParentId.Or(before.ParentId),
        };

        if (after.AssigneeId != before.AssigneeId && await links.CheckAssigneeAsync(before.ProjectId, after.AssigneeId, cancellationToken) is { } badAssignee)
        {
            return badAssignee;
        }

        if (after.ParentId != before.ParentId && await TaskLinks.CheckParentAsync(connection, before.ProjectId, before.Id, after.ParentId, cancellationToken) is { } badParent)
        {
            return badParent;
        }

        var changes = Changes(before, after);
        if (changes.Count == 0)
        {
            // Nothing differs: no new version, no event.
            return before;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var completedAt = after.Status == before.Status ? before.CompletedAt : after.Status == WorkStatus.Done ? now : (DateTime?)null;
        var updated = (await connection.QuerySingleAsync<TaskRow>(new CommandDefinition(UpdateSql, new
        {
            before.Id,
            after.Title,
            after.Description,
            Status = TaskValues.NameOf(after.Status),
            Priority = (short)after.Priority,
            after.AssigneeId,
            Labels = after.Labels.ToArray(),
            DueDate = after.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            after.ParentId,
            CompletedAt = completedAt,
            command.ActorId,
            Now = now,
        }, cancellationToken: cancellationToken))).ToResponse();

        await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskUpdated(
            Guid.CreateVersion7(now), now, command.ActorId, updated.ProjectId, updated.Id, updated.Key, changes), cancellationToken);
        if (after.Status != before.Status)
        {
            await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskStatusChanged(
                Guid.CreateVersion7(now), now, command.ActorId, updated.ProjectId, updated.Id, updated.Key, before.Status, after.Status), cancellationToken);
        }

        if (after.AssigneeId != before.AssigneeId)
        {
            await outbox.EnqueueAsync(TasksModule.SchemaName, new TaskAssigned(
                Guid.CreateVersion7(now), now, command.ActorId, updated.ProjectId, updated.Id, updated.Key, updated.Title, after.AssigneeId, before.AssigneeId), cancellationToken);
        }

        return updated;
    }

    private static Dictionary<string, FieldChange> Changes(TaskResponse before, TaskResponse after)
    {
        var changes = new Dictionary<string, FieldChange>();
        void Compare<T>(string field, T old, T @new)
        {
            if (!EqualityComparer<T>.Default.Equals(old, @new))
            {
                changes[field] = FieldChange.Of(old, @new);
            }
        }

        Compare("title", before.Title, after.Title);
        Compare("description", before.Description, after.Description);
        Compare("status", before.Status, after.Status);
        Compare("priority", before.Priority, after.Priority);
        Compare("assigneeId", before.AssigneeId, after.AssigneeId);
        if (!before.Labels.SequenceEqual(after.Labels, StringComparer.Ordinal))
        {
            changes["labels"] = FieldChange.Of(before.Labels, after.Labels);
        }

        Compare("dueDate", before.DueDate, after.DueDate);
        Compare("parentId", before.ParentId, after.ParentId);
        return changes;
    }
}

internal sealed class UpdateTaskEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("tasks/{idOrKey}", async (string idOrKey, JsonElement body, ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
            {
                var patch = TaskPatch.Parse(body);
                if (!patch.IsSuccess)
                {
                    return ApiResults.Problem(patch.Error);
                }

                return (await sender.Send(new UpdateTaskCommand(idOrKey, user.Id, Versioning.IfMatchVersion(context), patch.Value), cancellationToken))
                    .Match(task => Versioning.Ok(task, task.Version, context), ApiResults.Problem);
            })
            .WithTags("Tasks")
            .WithName("UpdateTask")
            .WithSummary("Change a task with a JSON merge patch (member); honours If-Match")
            .WithDescription("Fields present change; null clears description, assigneeId, labels, dueDate and parentId. A stale If-Match gets 412 and changes nothing.")
            .Accepts<UpdateTaskBody>("application/merge-patch+json", "application/json")
            .RequireAuthorization()
            .AcceptsIfMatch()
            .Produces<TaskResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}

/// <summary>
/// The patch's shape, for the OpenAPI description only (the endpoint reads the raw JSON): every field is optional;
/// those that <c>null</c> clears are nullable. The limits come from <see cref="UpdateTaskValidator"/>.
/// </summary>
internal sealed record UpdateTaskBody(
    string Title,
    string? Description,
    WorkStatus Status,
    WorkPriority Priority,
    Guid? AssigneeId,
    IReadOnlyList<string>? Labels,
    string? DueDate,
    Guid? ParentId);

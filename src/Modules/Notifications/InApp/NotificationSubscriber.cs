using Dapper;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Events;

namespace Orbit.Modules.Notifications.InApp;

/// <summary>
/// Turns task events into in-app notifications. The rules:
/// <list type="bullet">
/// <item><c>task.assigned</c> (also raised when a task is created with an assignee): the new assignee, "assigned".</item>
/// <item><c>comment.added</c>: the task's creator and its assignee, "commented"; every project member named as
/// <c>@Display Name</c> in the body, "mentioned".</item>
/// </list>
/// Nobody is notified of their own action, only current members of the project are notified (someone who left it
/// must not read its comments in a summary), and each person gets at most one notification per event: a mentioned
/// creator or assignee gets "mentioned", the more specific kind, since it says the comment speaks to them.
/// Runs in the relay's transaction; writes go through the scope's session and never commit by themselves.
/// </summary>
internal sealed class NotificationSubscriber(IDbSession session, IProjectMembers projectMembers, IUserDirectory users, TimeProvider clock)
    : IntegrationEventConsumer, IIntegrationEventHandler<TaskAssigned>, IIntegrationEventHandler<CommentAdded>
{
    private const int ExcerptLength = 140;

    // Batched by unnest; the unique (source_message_id, recipient_id) makes a second run of one event add nothing.
    private const string InsertSql = """
        insert into notifications.notifications
            (id, recipient_id, kind, project_id, task_id, task_key, actor_id, summary, created_at, source_message_id)
        select r.id, r.recipient_id, r.kind, @ProjectId, @TaskId, @TaskKey, @ActorId, r.summary, @Now, @MessageId
        from unnest(@Ids, @Recipients, @Kinds, @Summaries) as r (id, recipient_id, kind, summary)
        on conflict (source_message_id, recipient_id) do nothing
        """;

    public override string Consumer => "notifications";

    public override string Schema => NotificationsModule.SchemaName;

    public async Task HandleAsync(TaskAssigned assigned, IntegrationMessage message, CancellationToken cancellationToken)
    {
        if (assigned.AssigneeId is not { } assignee || assignee == assigned.ActorId)
        {
            return;
        }

        var actor = await NameOfAsync(assigned.ActorId, cancellationToken);
        await InsertAsync(
            message, assigned.ProjectId, assigned.TaskId, assigned.Key, assigned.ActorId,
            [new Recipient(assignee, NotificationKind.Assigned, $"{actor} assigned {assigned.Key} “{assigned.Title}” to you")],
            cancellationToken);
    }

    public async Task HandleAsync(CommentAdded comment, IntegrationMessage message, CancellationToken cancellationToken)
    {
        var members = (await projectMembers.ListAsync(comment.ProjectId, cancellationToken)).ToHashSet();
        var kinds = new Dictionary<Guid, string>();
        foreach (var mentioned in await MentionedAsync(comment.Body, members, cancellationToken))
        {
            kinds[mentioned] = NotificationKind.Mentioned;
        }

        foreach (var involved in new[] { comment.TaskCreatedBy, comment.TaskAssigneeId })
        {
            if (involved is { } userId)
            {
                kinds.TryAdd(userId, NotificationKind.Commented);
            }
        }

        kinds.Remove(comment.ActorId);
        var recipients = kinds.Where(k => members.Contains(k.Key)).ToList();
        if (recipients.Count == 0)
        {
            return;
        }

        var actor = await NameOfAsync(comment.ActorId, cancellationToken);
        var excerpt = Excerpt(comment.Body);
        await InsertAsync(
            message, comment.ProjectId, comment.TaskId, comment.TaskKey, comment.ActorId,
            recipients.Select(r => new Recipient(r.Key, r.Value, r.Value == NotificationKind.Mentioned
                ? $"{actor} mentioned you on {comment.TaskKey} “{comment.TaskTitle}”: {excerpt}"
                : $"{actor} commented on {comment.TaskKey} “{comment.TaskTitle}”: {excerpt}")).ToList(),
            cancellationToken);
    }

    private async Task<IReadOnlySet<Guid>> MentionedAsync(string body, IReadOnlySet<Guid> members, CancellationToken cancellationToken)
    {
        if (!body.Contains('@', StringComparison.Ordinal) || members.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var people = await users.FindManyAsync(members.ToList(), cancellationToken);
        var candidates = people.Values.Where(p => !p.IsDisabled).Select(p => new MentionCandidate(p.Id, p.DisplayName)).ToList();
        return Mentions.Find(body, candidates);
    }

    private async Task<string> NameOfAsync(Guid userId, CancellationToken cancellationToken) =>
        (await users.FindAsync(userId, cancellationToken))?.DisplayName ?? "Someone";

    private async Task InsertAsync(
        IntegrationMessage message, Guid projectId, Guid taskId, string taskKey, Guid actorId, IReadOnlyList<Recipient> recipients, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await session.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            Ids = recipients.Select(_ => Guid.CreateVersion7(now)).ToArray(),
            Recipients = recipients.Select(r => r.UserId).ToArray(),
            Kinds = recipients.Select(r => r.Kind).ToArray(),
            Summaries = recipients.Select(r => r.Summary).ToArray(),
            ProjectId = projectId,
            TaskId = taskId,
            TaskKey = taskKey,
            ActorId = actorId,
            Now = now,
            MessageId = message.Id,
        }, cancellationToken: cancellationToken));
    }

    private static string Excerpt(string body)
    {
        var flat = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= ExcerptLength ? flat : flat[..(ExcerptLength - 1)] + "…";
    }

    private sealed record Recipient(Guid UserId, string Kind, string Summary);
}

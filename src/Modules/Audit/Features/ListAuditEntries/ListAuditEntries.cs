using Orbit.Shared.Validation;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Audit.Entries;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Features.ListAuditEntries;

/// <param name="Action">An event type such as <c>task.updated</c>.</param>
internal sealed record ListAuditEntriesQuery(
    Guid? ActorId,
    string? Action,
    string? EntityType,
    Guid? EntityId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Limit,
    string? Cursor) : IQuery<Result<Page<AuditEntryResponse>>>;

internal sealed class ListAuditEntriesValidator : AbstractValidator<ListAuditEntriesQuery>
{
    public static readonly string[] EntityTypes = ["task", "project", "member", "comment", "user"];

    public ListAuditEntriesValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListAuditEntriesQuery, long>();
        RuleFor(q => q.Action).MaximumLength(100).WithMessage("action must be at most 100 characters (an event type such as task.updated).");
        RuleFor(q => q.EntityType).OneOf(EntityTypes)
            .WithMessage($"entityType must be one of: {string.Join(", ", EntityTypes)}.");
        // A member is named by its user's id, so an id alone could mean a user or their memberships.
        RuleFor(q => q.EntityType).NotNull().When(q => q.EntityId is not null)
            .WithMessage("entityType is required with entityId.");
        RuleFor(q => q.To).Must((q, to) => q.From is null || to is null || q.From <= to)
            .WithMessage("to must not be before from.");
    }
}

internal sealed class ListAuditEntriesHandler(IDbSession session) : IQueryHandler<ListAuditEntriesQuery, Result<Page<AuditEntryResponse>>>
{
    // Newest first, keyset on id. Each filter has an index ending in id, so the planner walks the one given
    // backwards: actorId entries_by_actor, action entries_by_type, entityType [+ entityId] entries_by_entity;
    // from/to alone use entries_by_occurred_at, with no filter the primary key.
    private const string Sql = $"""
        select {AuditEntryRow.Columns}
        from audit.entries e
        where (@Before::bigint is null or e.id < @Before)
          and (@ActorId::uuid is null or e.actor_id = @ActorId)
          and (@Action::text is null or e.event_type = @Action)
          and (@EntityType::text is null or e.entity_type = @EntityType)
          and (@EntityId::uuid is null or e.entity_id = @EntityId)
          and (@From::timestamptz is null or e.occurred_at >= @From)
          and (@To::timestamptz is null or e.occurred_at < @To)
        order by e.id desc
        limit @Take
        """;

    public async ValueTask<Result<Page<AuditEntryResponse>>> Handle(ListAuditEntriesQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<long?>(query.Cursor, out var before);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditEntryRow>(new CommandDefinition(Sql, new
        {
            Before = before,
            query.ActorId,
            query.Action,
            query.EntityType,
            query.EntityId,
            From = query.From?.UtcDateTime,
            To = query.To?.UtcDateTime,
            Take = query.Limit + 1,
        }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows.Select(r => r.ToResponse()).ToList(), query.Limit, e => e.Id);
    }
}

internal sealed class ListAuditEntriesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("admin/audit", async (
                ISender sender,
                HttpContext context,
                CancellationToken cancellationToken,
                Guid? actorId,
                string? action,
                string? entityType,
                Guid? entityId,
                DateTimeOffset? from,
                DateTimeOffset? to,
                int? limit,
                string? cursor) =>
                (await sender.Send(new ListAuditEntriesQuery(actorId, action, entityType, entityId, from, to, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Administration")
            .WithName("ListAuditEntries")
            .WithSummary("Every audited action, newest first (admin)")
            .WithDescription("Filters: actorId, action (an event type such as task.updated), entityType (task, project, member, comment, user) " +
                "with optional entityId, and from (inclusive) / to (exclusive) on when it happened.")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<Page<AuditEntryResponse>>()
            .ProducesValidationProblem();
}

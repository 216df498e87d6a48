using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Audit.Chain;
using Orbit.Modules.Audit.Entries;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Features.VerifyAuditChain;

internal sealed record VerifyAuditChainQuery : IQuery<Result<ChainVerification>>;

/// <param name="Valid">Every row's hash matches its content and links to the row before it.</param>
/// <param name="CheckedRows">Rows checked, up to and including the first broken one.</param>
/// <param name="FirstBrokenId">The first row whose content or link does not match, when the chain is broken.</param>
/// <param name="HeadId">The last row checked.</param>
/// <param name="HeadHash">
/// Its hash (hex). Removing rows from the end leaves a valid shorter chain: keep this value outside the database
/// (a ticket, a log) and compare it later to detect that too.
/// </param>
internal sealed record ChainVerification(bool Valid, long CheckedRows, long? FirstBrokenId, long? HeadId, string? HeadHash);

internal sealed class VerifyAuditChainHandler(IDbSession session) : IQueryHandler<VerifyAuditChainQuery, Result<ChainVerification>>
{
    private const int BatchSize = 1000;

    // The whole chain in id order, a batch at a time by primary key. Rows are only ever appended after the last,
    // so batches read at different moments still form one consistent prefix of the chain.
    private const string Sql = """
        select e.id as Id, e.message_id as MessageId, e.event_type as EventType, e.event_version as EventVersion,
               e.actor_id as ActorId, e.project_id as ProjectId, e.entity_type as EntityType, e.entity_id as EntityId,
               e.task_id as TaskId, e.task_key as TaskKey, e.changes::text as Changes, e.payload::text as Payload,
               e.occurred_at as OccurredAt, e.recorded_at as RecordedAt, e.trace_id as TraceId,
               e.previous_hash as PreviousHash, e.hash as Hash
        from audit.entries e
        where e.id > @After
        order by e.id
        limit @Take
        """;

    public async ValueTask<Result<ChainVerification>> Handle(VerifyAuditChainQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var expectedPrevious = AuditEntryHash.Genesis;
        long checkedRows = 0;
        long after = 0;
        while (true)
        {
            var rows = (await connection.QueryAsync<ChainRow>(new CommandDefinition(
                Sql, new { After = after, Take = BatchSize }, cancellationToken: cancellationToken))).AsList();
            foreach (var row in rows)
            {
                checkedRows++;
                var linked = row.PreviousHash.AsSpan().SequenceEqual(expectedPrevious);
                if (!linked || !AuditEntryHash.Compute(row.ToContent()).AsSpan().SequenceEqual(row.Hash))
                {
                    return new ChainVerification(false, checkedRows, row.Id, row.Id, Convert.ToHexStringLower(row.Hash));
                }

                expectedPrevious = row.Hash;
                after = row.Id;
            }

            if (rows.Count < BatchSize)
            {
                return new ChainVerification(true, checkedRows, null, checkedRows == 0 ? null : after,
                    checkedRows == 0 ? null : Convert.ToHexStringLower(expectedPrevious));
            }
        }
    }

    private sealed class ChainRow
    {
        public long Id { get; init; }

        public Guid MessageId { get; init; }

        public string EventType { get; init; } = "";

        public int EventVersion { get; init; }

        public Guid? ActorId { get; init; }

        public Guid? ProjectId { get; init; }

        public string EntityType { get; init; } = "";

        public Guid EntityId { get; init; }

        public Guid? TaskId { get; init; }

        public string? TaskKey { get; init; }

        public string? Changes { get; init; }

        public string Payload { get; init; } = "null";

        public DateTime OccurredAt { get; init; }

        public DateTime RecordedAt { get; init; }

        public string? TraceId { get; init; }

        public byte[] PreviousHash { get; init; } = [];

        public byte[] Hash { get; init; } = [];

        public AuditEntryContent ToContent() => new(
            Id, MessageId, EventType, EventVersion, ActorId, ProjectId, EntityType, EntityId, TaskId, TaskKey,
            JsonColumn.Parse(Changes), JsonColumn.Parse(Payload)!.Value, OccurredAt, RecordedAt, TraceId, PreviousHash);
    }
}

internal sealed class VerifyAuditChainEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("admin/audit/verify", async (ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new VerifyAuditChainQuery(), cancellationToken)).Match<IResult>(verification => TypedResults.Ok(verification), ApiResults.Problem))
            .WithTags("Administration")
            .WithName("VerifyAuditChain")
            .WithSummary("Check the audit trail's hash chain from the first row to the last (admin)")
            .WithDescription("Recomputes every row's hash and its link to the row before. A row changed or removed in place " +
                "(for example with the append-only trigger disabled) breaks the chain at that row or the next. Reads the whole trail: " +
                "time grows with its size.")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<ChainVerification>();
}

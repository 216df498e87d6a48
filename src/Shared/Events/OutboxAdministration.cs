using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Shared.Events;

/// <param name="Consumer">The consumer that gave up on the message; null for a message the relay parked for every
/// consumer before delivery became per consumer.</param>
public sealed record DeadLetter(Guid Id, string? Consumer, string Type, int Version, Guid? AggregateId, int Attempts, string? LastError, DateTime OccurredAt, DateTime DeadAt);

/// <summary>
/// What an operator needs for dead letters: see them per publishing module (and consumer), and replay one once its
/// cause is fixed. A dead letter belongs to one consumer; the others had the message long ago. A replay hands it back
/// to that consumer (or to every consumer that parked it) with a fresh attempt count; a consumer that already handled
/// it skips it via its inbox.
/// </summary>
public static class OutboxAdministration
{
    public static IEndpointRouteBuilder MapOutboxAdministration(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("admin/outbox/{publisher}").WithTags("Administration").RequireAuthorization(OrbitPolicies.Admin);

        group.MapGet("dead-letters", async (string publisher, NpgsqlDataSource dataSource, OutboxPublishers publishers, HttpContext context, int? limit, string? cursor, string? consumer) =>
            {
                var take = limit ?? Cursor.DefaultLimit;
                if (!publishers.Contains(publisher))
                {
                    return ApiResults.Problem(UnknownPublisher);
                }

                if (consumer is not null && !IsConsumer(context, consumer))
                {
                    return ApiResults.Problem(UnknownConsumer);
                }

                if (take is < 1 or > Cursor.MaxLimit || !Cursor.TryDecode<DeadLetterPosition>(cursor, out var after))
                {
                    return ApiResults.Problem(Error.Validation(take is < 1 or > Cursor.MaxLimit ? "limit" : "cursor", "limit must be 1 to 100 and cursor one this list issued."));
                }

                // Newest dead first, keyset on (dead_at, id, consumer), served by outbox_deliveries_dead and
                // outbox_messages_dead; the second part lists what the relay parked before delivery was per consumer.
                var sql = $"""
                    select * from (
                        select d.message_id as Id, d.consumer as Consumer, m.type as Type, m.version as Version, m.aggregate_id as AggregateId,
                               d.attempts as Attempts, d.last_error as LastError, m.occurred_at as OccurredAt, d.dead_at as DeadAt
                        from "{publisher}".outbox_deliveries d
                        join "{publisher}".outbox_messages m on m.id = d.message_id
                        where d.dead_at is not null and (@Consumer::text is null or d.consumer = @Consumer)
                        union all
                        select id, null, type, version, aggregate_id, attempts, last_error, occurred_at, dead_at
                        from "{publisher}".outbox_messages
                        where dead_at is not null and dispatched_at is null and @Consumer::text is null
                    ) dead
                    where @AfterDeadAt::timestamptz is null
                       or (DeadAt, Id, coalesce(Consumer, '')) < (@AfterDeadAt, @AfterId, @AfterConsumer)
                    order by DeadAt desc, Id desc, coalesce(Consumer, '') desc
                    limit @Take
                    """;
                await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
                var rows = (await connection.QueryAsync<DeadLetter>(new CommandDefinition(
                    sql,
                    new { Consumer = consumer, AfterDeadAt = after?.DeadAt, AfterId = after?.Id, AfterConsumer = after?.Consumer ?? "", Take = take + 1 },
                    cancellationToken: context.RequestAborted))).AsList();
                return ApiResults.Page(Cursor.ToPage(rows, take, d => new DeadLetterPosition(d.DeadAt, d.Id, d.Consumer ?? "")), context);
            })
            .WithName("ListDeadLetters")
            .WithSummary("Messages a module published that a consumer could not handle (admin)")
            .Produces<Page<DeadLetter>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("{messageId:guid}/replay", async (string publisher, Guid messageId, string? consumer, NpgsqlDataSource dataSource, OutboxPublishers publishers, HttpContext context) =>
            {
                if (!publishers.Contains(publisher))
                {
                    return ApiResults.Problem(UnknownPublisher);
                }

                if (consumer is not null && !IsConsumer(context, consumer))
                {
                    return ApiResults.Problem(UnknownConsumer);
                }

                // A consumer's dead delivery becomes due again, and its message is in flight again (no longer dead as a
                // whole, see OutboxCompletion); a message parked for everyone by the relay before per-consumer delivery
                // (never dispatched) goes back to dispatch, which hands it to every consumer. Either way the consumers
                // are woken.
                var sql = $"""
                    with consumer_replay as (
                        update "{publisher}".outbox_deliveries
                        set dead_at = null, attempts = 0, next_attempt_at = null, last_error = null
                        where message_id = @MessageId and dead_at is not null and (@Consumer::text is null or consumer = @Consumer)
                        returning 1
                    ), in_flight_again as (
                        update "{publisher}".outbox_messages
                        set dead_at = null
                        where id = @MessageId and dispatched_at is not null and exists (select 1 from consumer_replay)
                    ), message_replay as (
                        update "{publisher}".outbox_messages
                        set dead_at = null, attempts = 0, next_attempt_at = null, last_error = null
                        where id = @MessageId and dead_at is not null and dispatched_at is null and @Consumer::text is null
                        returning 1
                    )
                    select (select count(*) from consumer_replay) + (select count(*) from message_replay);
                    select pg_notify('{Outbox.OutboxChannel}', '{publisher}'), pg_notify('{Outbox.OutboxChannel}', '{publisher}{OutboxRelay.ReadySuffix}');
                    """;
                await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
                var replayed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { MessageId = messageId, Consumer = consumer }, cancellationToken: context.RequestAborted));
                return replayed == 0
                    ? ApiResults.Problem(Error.NotFound("outbox.not_dead", "There is no dead message with this id in this module's outbox (for this consumer)."))
                    : TypedResults.Accepted((string?)null);
            })
            .WithName("ReplayDeadLetter")
            .WithSummary("Send a dead message to the consumer that parked it again, or to every consumer that did (admin)")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static bool IsConsumer(HttpContext context, string consumer) =>
        context.RequestServices.GetServices<IIntegrationEventSubscriber>().Any(s => s.Consumer == consumer);

    private static readonly Error UnknownPublisher = Error.NotFound("outbox.unknown_publisher", "No module of that name has an outbox.");

    private static readonly Error UnknownConsumer = Error.NotFound("outbox.unknown_consumer", "No consumer of integration events has that name.");

    private sealed record DeadLetterPosition(DateTime DeadAt, Guid Id, string Consumer);
}

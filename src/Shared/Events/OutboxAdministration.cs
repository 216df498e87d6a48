using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Shared.Events;

public sealed record DeadLetter(Guid Id, string Type, int Version, Guid? AggregateId, int Attempts, string? LastError, DateTime OccurredAt, DateTime DeadAt);

/// <summary>
/// What an operator needs for dead letters: see them per publishing module, and replay one once its cause is fixed
/// (it goes back to the relay with a fresh attempt count; subscribers that already handled it skip it via their inbox).
/// </summary>
public static class OutboxAdministration
{
    public static IEndpointRouteBuilder MapOutboxAdministration(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("admin/outbox/{publisher}").WithTags("Administration").RequireAuthorization(OrbitPolicies.Admin);

        group.MapGet("dead-letters", async (string publisher, NpgsqlDataSource dataSource, OutboxPublishers publishers, HttpContext context, int? limit, string? cursor) =>
            {
                var take = limit ?? Cursor.DefaultLimit;
                if (!(await publishers.GetAsync(context.RequestAborted)).Contains(publisher))
                {
                    return ApiResults.Problem(UnknownPublisher);
                }

                if (take is < 1 or > Cursor.MaxLimit || !Cursor.TryDecode<DeadLetterPosition>(cursor, out var after))
                {
                    return ApiResults.Problem(Error.Validation(take is < 1 or > Cursor.MaxLimit ? "limit" : "cursor", "limit must be 1 to 100 and cursor one this list issued."));
                }

                // Newest dead first, keyset on (dead_at, id), served by outbox_messages_dead.
                var sql = $"""
                    select id as Id, type as Type, version as Version, aggregate_id as AggregateId, attempts as Attempts,
                           last_error as LastError, occurred_at as OccurredAt, dead_at as DeadAt
                    from "{publisher}".outbox_messages
                    where dead_at is not null and (@AfterDeadAt::timestamptz is null or (dead_at, id) < (@AfterDeadAt, @AfterId))
                    order by dead_at desc, id desc
                    limit @Take
                    """;
                await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
                var rows = (await connection.QueryAsync<DeadLetter>(new CommandDefinition(
                    sql, new { AfterDeadAt = after?.DeadAt, AfterId = after?.Id, Take = take + 1 }, cancellationToken: context.RequestAborted))).AsList();
                return ApiResults.Page(Cursor.ToPage(rows, take, d => new DeadLetterPosition(d.DeadAt, d.Id)), context);
            })
            .WithName("ListDeadLetters")
            .WithSummary("Messages a module published that could not be delivered (admin)")
            .Produces<Page<DeadLetter>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("{messageId:guid}/replay", async (string publisher, Guid messageId, NpgsqlDataSource dataSource, OutboxPublishers publishers, HttpContext context) =>
            {
                if (!(await publishers.GetAsync(context.RequestAborted)).Contains(publisher))
                {
                    return ApiResults.Problem(UnknownPublisher);
                }

                var sql = $"""
                    update "{publisher}".outbox_messages
                    set dead_at = null, attempts = 0, next_attempt_at = null, last_error = null
                    where id = @MessageId and dead_at is not null;
                    select pg_notify('{Outbox.OutboxChannel}', '{publisher}');
                    """;
                await using var connection = await dataSource.OpenConnectionAsync(context.RequestAborted);
                var replayed = await connection.ExecuteAsync(new CommandDefinition(sql, new { MessageId = messageId }, cancellationToken: context.RequestAborted));
                return replayed == 0
                    ? ApiResults.Problem(Error.NotFound("outbox.not_dead", "There is no dead message with this id in this module's outbox."))
                    : TypedResults.Accepted((string?)null);
            })
            .WithName("ReplayDeadLetter")
            .WithSummary("Send a dead message to its subscribers again (admin)")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static readonly Error UnknownPublisher = Error.NotFound("outbox.unknown_publisher", "No module of that name has an outbox.");

    private sealed record DeadLetterPosition(DateTime DeadAt, Guid Id);
}

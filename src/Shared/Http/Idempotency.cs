using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Shared.Data;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Shared.Http;

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs: one effect per (user, key), whatever fails. The key is part of the
/// request's unit of work (ADR 0010): the filter opens the transaction, claims the key in the module's
/// <c>&lt;schema&gt;.idempotency_keys</c>, runs the command (whose <see cref="Messaging.TransactionBehavior{TMessage,TResponse}"/>
/// joins that transaction), stores the response it is about to send, and commits all of it at once before a byte of
/// the response leaves. A crash or a lost database before the commit leaves nothing (the client retries and the command
/// runs once); after the commit a retry replays the stored response for 24 hours. The same key with a different request
/// is a 422 (as the IETF Idempotency-Key draft has it). A second request with the key waits, at most
/// <see cref="IdempotencyOptions.InProgressWait"/>, for the first one's transaction: when it commits the second replays
/// its response, when it rolls back the second runs; if the wait runs out the answer is 409 <c>idempotency.in_progress</c>.
/// Failed responses (4xx/5xx) roll back with the command, so a client can correct the request and retry with the key.
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, string schema) =>
        builder.AddEndpointFilter(new IdempotencyFilter(schema))
            .WithMetadata(new IdempotentEndpointMetadata());

    /// <summary>Marks endpoints that honour the header (the OpenAPI description documents it from this).</summary>
    public sealed class IdempotentEndpointMetadata;

    private static readonly Error InProgress =
        Error.Conflict("idempotency.in_progress", "A request with this Idempotency-Key is still being processed; retry shortly.");

    private static readonly Error KeyReused =
        new("idempotency.key_reused", "This Idempotency-Key was used for a different request.", ErrorType.Unprocessable);

    private sealed class IdempotencyFilter(string schema) : IEndpointFilter
    {
        private static readonly JsonSerializerOptions HashJson = new(JsonSerializerDefaults.Web);

        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var key = http.Request.Headers[HeaderName].ToString();
            if (key.Length == 0)
            {
                return await next(context);
            }

            if (key.Length > 200 || key.Any(char.IsControl))
            {
                return ApiResults.Problem(Error.Validation(HeaderName, "Idempotency-Key must be 1 to 200 printable characters."));
            }

            var services = http.RequestServices;
            var user = services.GetRequiredService<ICurrentUser>();
            var unitOfWork = services.GetRequiredService<IUnitOfWork>();
            var session = services.GetRequiredService<IDbSession>();
            var checkpoints = services.GetService<IIdempotencyCheckpoints>();
            var wait = services.GetRequiredService<IOptions<IdempotencyOptions>>().Value.InProgressWait;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var store = new Store(schema, user.Id, key, HashOf(http, context.Arguments));

            StoredResponse response;
            await unitOfWork.BeginAsync(http.RequestAborted);
            try
            {
                var connection = await session.OpenAsync(http.RequestAborted);
                var claim = await store.ClaimAsync(connection, now, wait, http.RequestAborted);
                if (claim is not Claim.Claimed)
                {
                    // Nothing of this request was written; the claim's lookup is all there is to undo.
                    await unitOfWork.RollbackAsync(CancellationToken.None);
                    return claim switch
                    {
                        Claim.Replay replay => new ReplayResult(replay.Response),
                        Claim.Reused => ApiResults.Problem(KeyReused),
                        _ => ApiResults.Problem(InProgress),
                    };
                }

                var result = await next(context);
                response = await CaptureAsync(result as IResult
                    ?? throw new InvalidOperationException("Endpoints that honour Idempotency-Key must return an IResult."), http);

                // From here on the command's work is done: a client that hangs up must not undo it, or its retry
                // would run the command a second time.
                if (response.StatusCode >= 400)
                {
                    if (unitOfWork.HasActiveTransaction)
                    {
                        await unitOfWork.RollbackAsync(CancellationToken.None);
                    }
                    else
                    {
                        // A handler that commits early (ADR 0004) committed the claim with it; give the key back.
                        await store.ReleaseAsync(connection, CancellationToken.None);
                    }
                }
                else if (unitOfWork.HasActiveTransaction)
                {
                    await store.CompleteAsync(connection, response, CancellationToken.None);
                    if (checkpoints is not null)
                    {
                        await checkpoints.BeforeCommitAsync(http);
                    }

                    await unitOfWork.CommitAsync(CancellationToken.None);
                }
                else
                {
                    // Only a handler that commits early (ADR 0004) gets here: its claim is committed, the response is
                    // stored on its own. No endpoint that honours the key does this today.
                    await store.CompleteAsync(connection, response, CancellationToken.None);
                }
            }
            catch
            {
                await RollbackAfterFailureAsync(unitOfWork);
                throw;
            }

            if (checkpoints is not null)
            {
                await checkpoints.AfterCommitAsync(http);
            }

            await WriteAsync(response, http);
            return Microsoft.AspNetCore.Http.Results.Empty;
        }

        // The bound route values and body stand for the request (services and the HttpContext do not): the same key
        // with other content is misuse.
        private static byte[] HashOf(HttpContext http, IList<object?> arguments)
        {
            var payload = arguments.Where(IsRequestData).Select(a => JsonSerializer.Serialize(a, a!.GetType(), HashJson));
            return SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n{string.Join('\n', payload)}"));
        }

        private static bool IsRequestData(object? argument) => argument switch
        {
            null or CancellationToken => false,
            string or Guid => true,
            _ => argument.GetType().IsPrimitive || argument.GetType().Namespace?.StartsWith("Orbit.Modules.", StringComparison.Ordinal) == true,
        };

        private static async Task RollbackAfterFailureAsync(IUnitOfWork unitOfWork)
        {
            try
            {
                await unitOfWork.RollbackAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                // The connection is gone (the usual reason to be here): PostgreSQL rolled the transaction back itself.
                // The first exception is the one to report.
            }
        }

        // Runs the result against a buffer, not the client: status and headers are set on the response (nothing is sent
        // before the body starts), the body is kept to be stored and written only after the commit.
        private static async Task<StoredResponse> CaptureAsync(IResult result, HttpContext http)
        {
            var original = http.Response.Body;
            await using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await result.ExecuteAsync(http);
            }
            finally
            {
                http.Response.Body = original;
            }

            return new StoredResponse
            {
                StatusCode = http.Response.StatusCode,
                ContentType = http.Response.ContentType,
                Location = http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                ETag = http.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
                Body = buffer.ToArray(),
                RequestHash = [],
            };
        }

        private static async Task WriteAsync(StoredResponse response, HttpContext http)
        {
            try
            {
                await http.Response.Body.WriteAsync(response.Body, http.RequestAborted);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client left after the commit: its retry with the key gets this response from the store.
            }
        }
    }

    /// <summary>What claiming a key found.</summary>
    private abstract record Claim
    {
        /// <summary>This request holds the key (an uncommitted row) until its transaction ends.</summary>
        public sealed record Claimed : Claim;

        /// <summary>An earlier request with the key committed this response.</summary>
        public sealed record Replay(StoredResponse Response) : Claim;

        /// <summary>An earlier request used the key for something else.</summary>
        public sealed record Reused : Claim;

        /// <summary>Another request's transaction holds the key longer than we wait.</summary>
        public sealed record Busy : Claim;
    }

    /// <summary>One (user, key) in one module's table, always on the request's connection and transaction.</summary>
    private sealed class Store(string schema, Guid userId, string key, byte[] requestHash)
    {
        // lock_not_available: lock_timeout ran out while another transaction held the key.
        private const string LockNotAvailable = "55P03";

        public async Task<Claim> ClaimAsync(NpgsqlConnection connection, DateTime now, TimeSpan wait, CancellationToken cancellationToken)
        {
            // The insert waits on the unique index while another open transaction holds the same key, and sees its row
            // once it commits (0 rows: replay or 422) or takes the key once it rolls back (1 row). lock_timeout bounds
            // that wait and only that wait: the command's own locks are not ours to time out. Expired keys go first so
            // a key older than the retention window starts afresh.
            var claim = $"""
                select set_config('lock_timeout', @LockTimeout, true);
                delete from "{schema}".idempotency_keys where user_id = @UserId and key = @Key and created_at < @ExpiredBefore;
                """;
            var reserve = $"""
                insert into "{schema}".idempotency_keys (user_id, key, request_hash, created_at)
                values (@UserId, @Key, @RequestHash, @Now)
                on conflict (user_id, key) do nothing
                returning 1;
                set local lock_timeout to default;
                """;
            var find = $"""
                set local lock_timeout to default;
                select request_hash as RequestHash, status_code as StatusCode, content_type as ContentType, location as Location,
                       etag as ETag, body as Body
                from "{schema}".idempotency_keys
                where user_id = @UserId and key = @Key
                """;
            var parameters = new DynamicParameters(new { UserId = userId, Key = key, RequestHash = requestHash, Now = now, ExpiredBefore = now - Retention });
            // Whole milliseconds, at least 1: 0 would mean "wait for ever".
            parameters.Add("LockTimeout", $"{Math.Max(1, (long)wait.TotalMilliseconds)}ms");
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(claim, parameters, cancellationToken: cancellationToken));
                if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(reserve, parameters, cancellationToken: cancellationToken)) == 1)
                {
                    return new Claim.Claimed();
                }
            }
            catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
            {
                return new Claim.Busy();
            }

            // The holder committed: its row has the response to replay. (A row without one could only be a reservation
            // left by a version before ADR 0010; migration 0200 removed those, so it is treated as still running.)
            var existing = await connection.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(find, parameters, cancellationToken: cancellationToken));
            if (existing is null || existing.StatusCode is null)
            {
                return new Claim.Busy();
            }

            return existing.RequestHash.AsSpan().SequenceEqual(requestHash) ? new Claim.Replay(existing) : new Claim.Reused();
        }

        public async Task CompleteAsync(NpgsqlConnection connection, StoredResponse response, CancellationToken cancellationToken)
        {
            var sql = $"""
                update "{schema}".idempotency_keys
                set status_code = @StatusCode, content_type = @ContentType, location = @Location, etag = @ETag, body = @Body
                where user_id = @UserId and key = @Key
                """;
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                UserId = userId,
                Key = key,
                response.StatusCode,
                response.ContentType,
                response.Location,
                response.ETag,
                response.Body,
            }, cancellationToken: cancellationToken));
        }

        public async Task ReleaseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            var sql = $"""delete from "{schema}".idempotency_keys where user_id = @UserId and key = @Key and status_code is null""";
            await connection.ExecuteAsync(new CommandDefinition(sql, new { UserId = userId, Key = key }, cancellationToken: cancellationToken));
        }
    }

    private sealed class StoredResponse
    {
        public byte[] RequestHash { get; init; } = [];

        public int? StatusCode { get; init; }

        public string? ContentType { get; init; }

        public string? Location { get; init; }

        public string? ETag { get; init; }

        public byte[] Body { get; init; } = [];
    }

    private sealed class ReplayResult(StoredResponse stored) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = stored.StatusCode!.Value;
            response.ContentType = stored.ContentType;
            response.Headers["Idempotent-Replayed"] = "true";
            if (stored.Location is not null)
            {
                response.Headers.Location = stored.Location;
            }

            if (stored.ETag is not null)
            {
                response.Headers.ETag = stored.ETag;
            }

            await response.Body.WriteAsync(stored.Body, httpContext.RequestAborted);
        }
    }
}

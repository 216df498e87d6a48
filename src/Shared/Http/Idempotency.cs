using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Shared.Http;

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs: the first response to a (user, key) is stored in the module's
/// <c>&lt;schema&gt;.idempotency_keys</c> and replayed for 24 hours instead of creating a duplicate. The same key with
/// a different request is a 422 (as the IETF Idempotency-Key draft has it); a retry while the first is still running is a 409. Failed responses (4xx/5xx) are
/// not kept, so a client can correct the request and retry with the same key.
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
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var requestHash = HashOf(http, context.Arguments);
            var store = new Store(schema, dataSource);

            var reserved = await store.TryReserveAsync(user.Id, key, requestHash, now, http.RequestAborted);
            if (!reserved)
            {
                var existing = await store.FindAsync(user.Id, key, http.RequestAborted);
                if (existing is null)
                {
                    return ApiResults.Problem(Error.Conflict("idempotency.in_progress", "A request with this Idempotency-Key is still being processed."));
                }

                if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
                {
                    return ApiResults.Problem(new Error("idempotency.key_reused", "This Idempotency-Key was used for a different request.", ErrorType.Unprocessable));
                }

                if (existing.StatusCode is null)
                {
                    return ApiResults.Problem(Error.Conflict("idempotency.in_progress", "A request with this Idempotency-Key is still being processed."));
                }

                return new ReplayResult(existing);
            }

            var completed = false;
            try
            {
                var result = await next(context);
                if (result is not IResult httpResult)
                {
                    return result;
                }

                var captured = await Capture(httpResult, http);
                if (captured.StatusCode < 400)
                {
                    await store.CompleteAsync(user.Id, key, captured, http.RequestAborted);
                    completed = true;
                }

                return Microsoft.AspNetCore.Http.Results.Empty;
            }
            finally
            {
                if (!completed)
                {
                    await store.ReleaseAsync(user.Id, key, CancellationToken.None);
                }
            }
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

        private static async Task<StoredResponse> Capture(IResult result, HttpContext http)
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

            buffer.Position = 0;
            await buffer.CopyToAsync(original, http.RequestAborted);
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
    }

    private sealed class Store(string schema, NpgsqlDataSource dataSource)
    {
        public async Task<bool> TryReserveAsync(Guid userId, string key, byte[] requestHash, DateTime now, CancellationToken cancellationToken)
        {
            // Expired keys are removed on the way in, so a key older than the retention window starts afresh.
            var expire = $"""
                delete from "{schema}".idempotency_keys where user_id = @UserId and key = @Key and created_at < @ExpiredBefore
                """;
            var reserve = $"""
                insert into "{schema}".idempotency_keys (user_id, key, request_hash, created_at)
                values (@UserId, @Key, @RequestHash, @Now)
                on conflict (user_id, key) do nothing
                """;
            var parameters = new { UserId = userId, Key = key, RequestHash = requestHash, Now = now, ExpiredBefore = now - Retention };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(expire, parameters, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(reserve, parameters, cancellationToken: cancellationToken)) == 1;
        }

        public async Task<StoredResponse?> FindAsync(Guid userId, string key, CancellationToken cancellationToken)
        {
            var sql = $"""
                select request_hash as RequestHash, status_code as StatusCode, content_type as ContentType, location as Location,
                       etag as ETag, body as Body
                from "{schema}".idempotency_keys
                where user_id = @UserId and key = @Key
                """;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await connection.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(sql, new { UserId = userId, Key = key }, cancellationToken: cancellationToken));
        }

        public async Task CompleteAsync(Guid userId, string key, StoredResponse response, CancellationToken cancellationToken)
        {
            var sql = $"""
                update "{schema}".idempotency_keys
                set status_code = @StatusCode, content_type = @ContentType, location = @Location, etag = @ETag, body = @Body
                where user_id = @UserId and key = @Key
                """;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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

        public async Task ReleaseAsync(Guid userId, string key, CancellationToken cancellationToken)
        {
            var sql = $"""delete from "{schema}".idempotency_keys where user_id = @UserId and key = @Key and status_code is null""";
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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

using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Orbit.Modules.Audit.Authorization;
using Orbit.Modules.Audit.Visibility;
using Orbit.Modules.Audit.Recording;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Audit.Features.ChangeFeed;

/// <summary>
/// The change feed as Server-Sent Events. The first read goes through the mediator like any request (validation,
/// membership, telemetry); the stream then polls the feed on its own, bounded per poll, until the client leaves.
/// </summary>
internal static class ChangeFeedStream
{
    public const string ContentType = ServerSentEventsMetadata.ContentType;

    /// <summary>Events read per poll; a full batch is followed at once by the next.</summary>
    private const int Batch = 100;

    /// <summary>How long to wait for a row when nothing is new; a row committed in this process wakes the stream sooner.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>An idle stream sends a comment this often, so proxies do not close it and dead clients are noticed.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>How often an open stream asks again whether its reader is still a member of the project.</summary>
    private static readonly TimeSpan MembershipInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often an open stream asks again whether its credential still grants access (user disabled, token revoked,
    /// sessions ended). Expiry needs no asking: a timer ends the stream at the token's <c>exp</c>.
    /// </summary>
    public static readonly TimeSpan CredentialInterval = TimeSpan.FromSeconds(3);

    /// <summary>The SSE event a stream ends with when its credential no longer grants access.</summary>
    public const string SessionEndedEvent = ServerSentEventsMetadata.SessionEndedEvent;

    /// <summary>The longest single timer: Task.Delay takes at most about 49 days, and a token may live a year.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    public static bool IsRequested(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase));

    public static async Task<IResult> RunAsync(HttpContext context, ISender sender, Guid projectId, string? after, CancellationToken cancellationToken)
    {
        // A reconnecting EventSource repeats the URL it first opened and says where it got to in Last-Event-ID.
        var lastEventId = context.Request.Headers[ServerSentEventsMetadata.LastEventIdHeader].ToString().Trim();
        if (lastEventId.Length > 0)
        {
            if (!ChangeFeedReader.TryReadCursor(lastEventId, out _))
            {
                return Problem(context, Error.Validation("Last-Event-ID", "Last-Event-ID is not a cursor this feed issued (use an event's id)."));
            }

            after = lastEventId;
        }

        var first = await sender.Send(new ReadChangeFeedQuery(projectId, after, Batch), cancellationToken);
        if (!first.IsSuccess)
        {
            return Problem(context, first.Error);
        }

        var services = context.RequestServices;
        var userId = services.GetRequiredService<ICurrentUser>().Id;
        var credential = context.User;
        var expiresAt = services.GetRequiredService<ICredentialValidity>().ExpiresAt(credential);

        // The stream may stay open for hours: give the request's connection (authentication opened it) back to the
        // pool now rather than at the end of the request. Nothing in this request uses the session after this line.
        await (await services.GetRequiredService<IDbSession>().OpenAsync(cancellationToken)).CloseAsync();

        var response = context.Response;
        response.ContentType = ContentType;
        response.Headers[HeaderNames.CacheControl] = "no-store";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var writer = new EventWriter(response, services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        // after=now: the first read found nothing old and handed back the head as the place to continue from.
        var startsAtHead = after == ChangeFeedReader.Now;
        ChangeFeedReader.TryReadCursor(startsAtHead ? first.Value.NextCursor : after, out var position);

        // A stream also ends when the host begins to stop, so it cannot hold up a graceful shutdown; the client
        // reconnects (to another instance) with Last-Event-ID and loses nothing.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        cancellationToken = streaming.Token;
        try
        {
            await writer.WriteRetryAsync(cancellationToken);
            position = await writer.WriteAsync(first.Value.Items, position, cancellationToken);
            var ended = await FollowAsync(
                services, writer, projectId, userId, new Credential(credential, expiresAt), position, full: !startsAtHead && first.Value.NextCursor is not null, cancellationToken);
            if (ended is { } reason)
            {
                // The last word: the client knows to re-authenticate rather than reconnect with a dead credential.
                await writer.WriteSessionEndedAsync(reason, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // The response has started, so no problem document can follow: end the stream, and the client reconnects
            // with Last-Event-ID after the retry delay, losing nothing.
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChangeFeedStream))
                .LogWarning(exception, "Change feed stream of project {ProjectId} ended: database unavailable", projectId);
        }

        return Results.Empty;
    }

    /// <summary>A refusal before the stream starts is an ordinary problem document (ApiResults writes it as JSON even to an EventSource).</summary>
    private static IResult Problem(HttpContext context, Error error) => ApiResults.Problem(error);

    /// <summary>What authenticated the stream, re-checked while it is open.</summary>
    private sealed record Credential(ClaimsPrincipal User, DateTimeOffset? ExpiresAt);

    /// <returns>Why the credential stopped granting access, or null when the stream ended for another reason (membership).</returns>
    private static async Task<SessionEnd?> FollowAsync(
        IServiceProvider services, EventWriter writer, Guid projectId, Guid userId, Credential credential, long position, bool full, CancellationToken cancellationToken)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var appended = services.GetRequiredService<AppendSignal>();
        var clock = services.GetRequiredService<TimeProvider>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var lastWrite = clock.GetUtcNow();
        var lastMembershipCheck = clock.GetUtcNow();
        var lastCredentialCheck = clock.GetUtcNow();
        var expiry = ExpiryTimer(credential.ExpiresAt, clock, cancellationToken);
        // What the reader may see of the trash follows their role, re-read with the membership (docs/adr/0009).
        var seesTrash = (await ReadAccessAsync(scopes, projectId, userId, cancellationToken))?.SeesTrash ?? false;

        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before reading: a row committed while we read still wakes the wait below.
            var wake = appended.Next;
            if (!full)
            {
                await Task.WhenAny(wake, Task.Delay(PollInterval, clock, cancellationToken), expiry);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (credential.ExpiresAt is { } expiresAt && clock.GetUtcNow() >= expiresAt)
            {
                return SessionEnd.TokenExpired;
            }

            if (expiry.IsCompleted)
            {
                // A long-lived token: the timer covered its first day; set the next.
                expiry = ExpiryTimer(credential.ExpiresAt, clock, cancellationToken);
            }

            if (clock.GetUtcNow() - lastCredentialCheck >= CredentialInterval)
            {
                if (await CheckCredentialAsync(scopes, credential.User, cancellationToken) is { } ended)
                {
                    return ended;
                }

                lastCredentialCheck = clock.GetUtcNow();
            }

            if (clock.GetUtcNow() - lastMembershipCheck >= MembershipInterval)
            {
                if (await ReadAccessAsync(scopes, projectId, userId, cancellationToken) is not { } access)
                {
                    return null;
                }

                seesTrash = access.SeesTrash;
                lastMembershipCheck = clock.GetUtcNow();
            }

            List<FeedEvent> events;
            // A pooled connection per poll, so an idle stream holds none.
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                events = await ChangeFeedReader.ReadAsync(connection, projectId, position, Batch, seesTrash, cancellationToken);
            }

            full = events.Count == Batch;
            if (events.Count > 0)
            {
                position = await writer.WriteAsync(events, position, cancellationToken);
                lastWrite = clock.GetUtcNow();
            }
            else if (clock.GetUtcNow() - lastWrite >= KeepAliveInterval)
            {
                await writer.WriteKeepAliveAsync(cancellationToken);
                lastWrite = clock.GetUtcNow();
            }
        }

        return null;
    }

    /// <summary>Completes when the credential expires (or after a day, whichever is sooner); never without an expiry.</summary>
    private static Task ExpiryTimer(DateTimeOffset? expiresAt, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (expiresAt is not { } at)
        {
            return Task.Delay(Timeout.InfiniteTimeSpan, clock, cancellationToken);
        }

        var remaining = at - clock.GetUtcNow();
        return Task.Delay(remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining < LongestTimer ? remaining : LongestTimer, clock, cancellationToken);
    }

    // A fresh scope, so the check's database read uses a connection only for that moment.
    private static async Task<SessionEnd?> CheckCredentialAsync(IServiceScopeFactory scopes, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICredentialValidity>().CheckAsync(user, cancellationToken);
    }

    // A fresh scope, so the membership cache's database read (on a miss) uses a connection only for that moment.
    /// <returns>Null when the reader is no longer a member; else what they may see.</returns>
    private static async Task<FeedAccess?> ReadAccessAsync(IServiceScopeFactory scopes, Guid projectId, Guid userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<IProjectAccess>();
        var read = await access.DecideAsync(projectId, userId, ProjectRole.Viewer, changes: false, cancellationToken);
        return read.IsAllowed ? new FeedAccess(AuditVisibility.SeesTrash(read)) : null;
    }

    private sealed record FeedAccess(bool SeesTrash);

    /// <summary>
    /// Writes SSE frames: <c>id:</c> the event's cursor (what a reconnect sends back as <c>Last-Event-ID</c>),
    /// <c>event:</c> its type (so an EventSource can listen per type), <c>data:</c> the event as one line of JSON.
    /// </summary>
    private sealed class EventWriter(HttpResponse response, JsonSerializerOptions json)
    {
        public async Task WriteRetryAsync(CancellationToken cancellationToken)
        {
            // How long an EventSource waits before reconnecting (with Last-Event-ID) after the connection drops.
            await response.WriteAsync("retry: 2000\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        /// <returns>The position after the last event written.</returns>
        public async Task<long> WriteAsync(IReadOnlyList<FeedEvent> events, long position, CancellationToken cancellationToken)
        {
            if (events.Count == 0)
            {
                return position;
            }

            var frames = new StringBuilder();
            foreach (var feedEvent in events)
            {
                // Serialized JSON has no raw line breaks (they are escaped inside strings), so one data line suffices.
                // Event types are dotted lowercase names (task.created): no line break can end up in the field.
                frames.Append("id: ").Append(feedEvent.Id).Append('\n')
                    .Append("event: ").Append(feedEvent.Type).Append('\n')
                    .Append("data: ").Append(JsonSerializer.Serialize(feedEvent, json)).Append("\n\n");
            }

            await response.WriteAsync(frames.ToString(), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            ChangeFeedReader.TryReadCursor(events[^1].Id, out var last);
            return last;
        }

        /// <summary>
        /// <c>event: session.ended</c> with <c>data: {"reason": "token_expired"}</c> (or user_disabled, token_revoked,
        /// signed_out), and no <c>id:</c>, so a client's Last-Event-ID stays at the last event it received.
        /// </summary>
        public async Task WriteSessionEndedAsync(SessionEnd reason, CancellationToken cancellationToken)
        {
            var frame = $"event: {SessionEndedEvent}\ndata: {JsonSerializer.Serialize(new SessionEnded(reason), json)}\n\n";
            await response.WriteAsync(frame, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        public async Task WriteKeepAliveAsync(CancellationToken cancellationToken)
        {
            await response.WriteAsync(": keep-alive\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}

/// <summary>The data of the stream's last message, <c>session.ended</c>: why the credential no longer grants access.</summary>
internal sealed record SessionEnded(SessionEnd Reason);

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orbit.Tests.Notifications;

/// <summary>One request a <see cref="WebhookReceiver"/> got, and the status it answered.</summary>
public sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, string? Event, string? ContentType, string Body, int Answered);

/// <summary>
/// A webhook receiver on 127.0.0.1 with a port of its own, started by the test: it records every request and answers
/// 500 to the first <c>failFirst</c> of them, 204 after that.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        _app = app;
        _failuresLeft = failFirst;
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Requests answered with success.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _received.Where(r => r.Answered < 300)];

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hook";
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var answer = Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status204NoContent;
        var headers = context.Request.Headers;
        _received.Enqueue(new ReceivedWebhook(
            headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], headers["X-Orbit-Event"], context.Request.ContentType, body, answer));
        context.Response.StatusCode = answer;
        if (answer != StatusCodes.Status204NoContent)
        {
            await context.Response.WriteAsync("receiver is down");
        }
    }

    /// <summary>
    /// Verifies a request the way a Standard Webhooks receiver does, written here independently of Orbit's code:
    /// HMAC-SHA256 keyed with the base64-decoded secret after <c>whsec_</c>, over <c>id.timestamp.body</c>, compared
    /// with each <c>v1,</c> signature of the header, and a timestamp within five minutes.
    /// </summary>
    public static bool HasValidSignature(ReceivedWebhook request, string secret)
    {
        if (request.Id is null || request.Timestamp is null || request.Signature is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            return false;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Timestamp, System.Globalization.CultureInfo.InvariantCulture));
        if ((DateTimeOffset.UtcNow - sentAt).Duration() > TimeSpan.FromMinutes(5))
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}.{request.Body}"));
        return request.Signature.Split(' ')
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

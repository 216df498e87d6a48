using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbit.Shared.Events;

namespace Orbit.Modules.Webhooks;

/// <summary>One delivery attempt to send: where, with which secret, and what.</summary>
internal sealed record WebhookMessage(Guid EventId, string EventType, DateTime OccurredAt, string PayloadJson, Uri Url, string Secret);

/// <summary>What one attempt came to. <see cref="Succeeded"/> means a 2xx answer.</summary>
internal sealed record AttemptOutcome(bool Succeeded, int? StatusCode, int DurationMs, string? Error);

/// <summary>
/// Sends one attempt: POST of <c>{id, type, timestamp, data}</c> with the Standard Webhooks headers. The target's
/// addresses are resolved and vetted here (<see cref="WebhookDestinationGuard"/>) and the connection goes to exactly
/// those addresses; no proxy, no redirects, a time limit over the whole attempt and a cap on how much of the answer is
/// read. A refused target is recorded as <see cref="WebhookDestinationGuard.NotAllowed"/>, which does not say what the
/// name resolved to.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, WebhookDestinationGuard destinations, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string ClientName = "orbit-webhooks";

    private static readonly HttpRequestOptionsKey<IPAddress[]> VettedAddresses = new("orbit.webhooks.vetted-addresses");

    public async Task<AttemptOutcome> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            var addresses = await destinations.ResolveAsync(message.Url, timeout.Token);
            if (destinations.Refuses(message.Url, addresses))
            {
                return new AttemptOutcome(false, null, ElapsedMs(started), WebhookDestinationGuard.NotAllowed);
            }

            var body = Envelope(message);
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            var webhookId = message.EventId.ToString();
            using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, webhookId);
            request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(message.Secret, webhookId, timestamp, body));
            request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, message.EventType);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Orbit-Webhooks", "1"));
            request.Options.Set(VettedAddresses, addresses);

            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var answer = await ReadCappedAsync(response, settings.MaxResponseBytes, timeout.Token);
            var status = (int)response.StatusCode;
            var error = response.IsSuccessStatusCode ? null : DescribeFailure(response, answer);
            return new AttemptOutcome(response.IsSuccessStatusCode, status, ElapsedMs(started), error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(false, null, ElapsedMs(started), $"Timed out after {settings.RequestTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            return new AttemptOutcome(false, null, ElapsedMs(started), Describe(e));
        }
    }

    /// <summary>
    /// The body as sent: the event id, type, its time and the event's payload as <c>data</c>, timestamps in the API's one
    /// format. The OpenAPI document describes it under <c>webhooks</c> (Host/OpenApi/WebhookDocumentation.cs).
    /// </summary>
    public static byte[] Envelope(WebhookMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", message.EventId);
            writer.WriteString("type", message.EventType);
            writer.WriteString("timestamp", UtcTimestamp.Write(message.OccurredAt));
            writer.WritePropertyName("data");
            writer.WriteRawValue(IntegrationEventJson.Normalize(message.PayloadJson));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        // Whatever is left is not read; disposing the response drops the connection instead of draining it.
        return buffer[..read];
    }

    private static string DescribeFailure(HttpResponseMessage response, byte[] answer)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            return $"{status}: redirects are not followed (Location: {response.Headers.Location?.ToString() ?? "none"}).";
        }

        var text = Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300))).ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? status : $"{status}: {text}";
    }

    private static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" ", messages);
    }

    private static int ElapsedMs(long started) => (int)Math.Min(Stopwatch.GetElapsedTime(started).TotalMilliseconds, int.MaxValue);

    /// <summary>
    /// The connection goes to the addresses <see cref="SendAsync"/> vetted for this request, never to a fresh DNS
    /// answer (which could have been rebound to an internal address in between).
    /// </summary>
    internal static async ValueTask<Stream> ConnectToVettedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(VettedAddresses, out var addresses) || addresses.Length == 0)
        {
            throw new InvalidOperationException("A webhook request must carry the addresses vetted for it.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

internal static class WebhookHttpClientRegistration
{
    public static IServiceCollection AddWebhookHttpClient(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookSender.ClientName)
            // The factory's own logs would write every target URL, query string and all, at Information.
            .RemoveAllLoggers()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the sender limits each attempt as a whole
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectCallback = WebhookSender.ConnectToVettedAddressAsync,
                // Pooled connections are short-lived so that a target's changed addresses are vetted again soon.
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                MaxResponseHeadersLength = 64,
            });
        return services;
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orbit.Modules.Webhooks;

/// <summary>Turns a webhook's host into addresses: the one place that asks DNS, so tests can stand in for it.</summary>
internal interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// Where a webhook may point, unless <c>Webhooks:AllowPrivateNetworks</c> is set: only at hosts whose every address is
/// public (<see cref="NetworkGuard"/>). Asked when a URL is registered or changed, so a maintainer learns at once, and
/// again before each attempt, since a name may resolve elsewhere by then. What a name resolved to is logged for the
/// operator, never told to the API: a maintainer could otherwise map the internal network through error messages.
/// </summary>
internal sealed class WebhookDestinationGuard(IWebhookHostResolver resolver, IOptions<WebhookOptions> options, ILogger<WebhookDestinationGuard> logger)
{
    /// <summary>What a delivery attempt to a refused address records (its <c>lastError</c>).</summary>
    public const string NotAllowed =
        "The destination address is not allowed: webhooks may not target loopback, private or other internal networks.";

    /// <summary>Registration waits at most this long for DNS; a name that cannot be resolved now is checked at send time.</summary>
    private static readonly TimeSpan RegistrationLookupLimit = TimeSpan.FromSeconds(3);

    public bool AllowsPrivateNetworks => options.Value.AllowPrivateNetworks;

    /// <summary>The addresses to connect to: the literal itself, or what the name resolves to now.</summary>
    /// <exception cref="HttpRequestException">The name resolves to no address.</exception>
    public async Task<IPAddress[]> ResolveAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = HostOf(url);
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var addresses = await resolver.ResolveAsync(host, cancellationToken);
        return addresses.Length > 0 ? addresses : throw new HttpRequestException($"{url.Host} resolves to no address.");
    }

    /// <summary>
    /// Whether any of the addresses is internal while private networks are not allowed. Every address must pass: a name
    /// answering with one public and one internal address is refused outright.
    /// </summary>
    public bool Refuses(Uri url, IEnumerable<IPAddress> addresses)
    {
        if (AllowsPrivateNetworks)
        {
            return false;
        }

        foreach (var address in addresses)
        {
            if (NetworkGuard.RefusalOf(address) is { } kind)
            {
                logger.LogWarning("Webhook target {Host} refused: it resolves to {Address}, a {Kind} address (Webhooks:AllowPrivateNetworks is off)",
                    url.Host, address, kind);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a URL given at registration (or in an update) points inside. A literal address is checked as it is; a
    /// name is resolved now. A name that does not resolve (yet, or at the moment) is accepted: the check before every
    /// attempt still applies.
    /// </summary>
    public async Task<bool> RefusesAtRegistrationAsync(string url, CancellationToken cancellationToken)
    {
        if (AllowsPrivateNetworks)
        {
            return false;
        }

        var uri = new Uri(url.Trim());
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RegistrationLookupLimit);
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri, limit.Token);
        }
        catch (Exception e) when (e is SocketException or HttpRequestException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogInformation("Webhook target {Host} could not be resolved at registration ({Reason}); it is checked again before each attempt",
                uri.Host, e.Message);
            return false;
        }

        return Refuses(uri, addresses);
    }

    // IPv6 literals come bracketed ([::1]); IPv4 ones in any spelling (0x7f000001) come normalized by Uri.
    private static string HostOf(Uri url) => url.IdnHost.Trim('[', ']');
}

using System.Net;
using System.Net.Sockets;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Which addresses a webhook may not reach (server-side request forgery): anything that is not a public unicast
/// address, including IPv6 addresses that carry an internal IPv4 address inside them (an IPv4-compatible, mapped or
/// translated address, 6to4, Teredo, NAT64), since a host or a gateway may deliver those to the IPv4 address. Checked
/// when a webhook is registered or its URL changed, and again on the addresses a host name resolves to at send time;
/// the connection is then made to the checked address itself (<see cref="WebhookSender"/>), so a second DNS answer
/// cannot swap it.
/// </summary>
internal static class NetworkGuard
{
    private static readonly (IPNetwork Network, string Kind)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        // RFC 8215's local-use NAT64 prefix: a domain's own translator, internal by definition, and the place of the
        // IPv4 address inside depends on a prefix length only that domain knows, so the whole prefix is refused.
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>IPv6 prefixes whose addresses carry an IPv4 address, and where it sits.</summary>
    private static readonly (IPNetwork Prefix, Func<byte[], IEnumerable<IPAddress>> Embedded)[] Embeddings =
    [
        // IPv4-compatible (deprecated, RFC 4291 2.5.5.1): ::a.b.c.d. Also covers :: and ::1, refused above first.
        (IPNetwork.Parse("::/96"), bytes => [LastFour(bytes)]),
        // IPv4-mapped (RFC 4291 2.5.5.2): ::ffff:a.b.c.d, which a dual-stack socket sends as IPv4.
        (IPNetwork.Parse("::ffff:0:0/96"), bytes => [LastFour(bytes)]),
        // IPv4-translated (RFC 2765 / SIIT): ::ffff:0:a.b.c.d.
        (IPNetwork.Parse("::ffff:0:0:0/96"), bytes => [LastFour(bytes)]),
        // NAT64 well-known prefix (RFC 6052): 64:ff9b::a.b.c.d.
        (IPNetwork.Parse("64:ff9b::/96"), bytes => [LastFour(bytes)]),
        // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 is the site behind a.b.c.d (bits 16 to 47).
        (IPNetwork.Parse("2002::/16"), bytes => [new IPAddress(bytes[2..6])]),
        // Teredo (RFC 4380): 2001:0::/32, the server's IPv4 in bits 32 to 63 and the client's, every bit inverted, in
        // the last 32 bits. The client is the one packets reach.
        (IPNetwork.Parse("2001::/32"), bytes => [new IPAddress(bytes[4..8]), new IPAddress(bytes[12..].Select(b => (byte)~b).ToArray())]),
    ];

    /// <returns><c>null</c> when the address is public, else what kind of address it is ("loopback", "private", ...).</returns>
    public static string? RefusalOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (RefusalByTable(address) is { } kind)
        {
            return kind;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            foreach (var (prefix, embedded) in Embeddings)
            {
                if (!prefix.Contains(address))
                {
                    continue;
                }

                foreach (var ipv4 in embedded(bytes))
                {
                    if (RefusalByTable(ipv4) is { } embeddedKind)
                    {
                        return embeddedKind;
                    }
                }
            }
        }

        return null;
    }

    private static string? RefusalByTable(IPAddress address)
    {
        foreach (var (network, kind) in Refused)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return kind;
            }
        }

        return address.Equals(IPAddress.Broadcast) ? "broadcast" : null;
    }

    private static IPAddress LastFour(byte[] bytes) => new(bytes[12..]);
}

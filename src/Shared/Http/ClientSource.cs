using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Orbit.Shared.Http;

/// <summary>
/// Where a request comes from, as the key every per-address limit counts by: an IPv4 address as is, an IPv6 address
/// by its /64 prefix. One IPv6 subscriber is routinely given a whole /64 (RFC 6177), so counting single addresses
/// would hand each client 2^64 fresh allowances.
/// </summary>
public static class ClientSource
{
    // Behind a proxy, configure ForwardedHeaders so that the connection's address is the client's, not the proxy's.
    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// Refresh tokens and personal access tokens: 32 random bytes, base64url, with a prefix that tells them apart (and
/// lets secret scanners spot a leaked one). Only the SHA-256 of a token is stored; with 256 bits of entropy a fast
/// hash is enough, unlike passwords.
/// </summary>
internal static class OpaqueToken
{
    public const string RefreshPrefix = "orbit_rt_";
    public const string PersonalAccessPrefix = "orbit_pat_";

    public static string Create(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

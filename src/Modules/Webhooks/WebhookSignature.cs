using System.Security.Cryptography;
using System.Text;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): <c>v1,</c> + base64 of HMAC-SHA256 over
/// <c>"{webhook-id}.{webhook-timestamp}.{raw body}"</c>, keyed with the secret's bytes (after <c>whsec_</c>).
/// </summary>
internal static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string EventHeader = "X-Orbit-Event";

    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{webhookId}.{timestamp}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(WebhookSecrets.SigningKeyOf(secret), signed));
    }
}

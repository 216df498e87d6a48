using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orbit.Modules.Notifications.Webhooks;

/// <summary>
/// Signing secrets: <c>whsec_</c> + base64 of 32 random bytes, as Standard Webhooks has them. The secret must be read
/// back to sign, so it cannot be hashed; with <c>Webhooks:SecretEncryptionKey</c> set it is stored AES-256-GCM
/// encrypted (<c>v1.</c> + base64 of nonce, ciphertext and tag), bound to its webhook's id so a stored secret cannot
/// be moved to another row. Without the key it is stored as <c>plain.</c> + secret, and the API still never shows it
/// again after registration.
/// </summary>
internal sealed class WebhookSecrets(IOptions<WebhookOptions> options)
{
    public const string Prefix = "whsec_";
    public const int KeyBytes = 32;
    private const int SecretBytes = 32;
    private const string Encrypted = "v1.";
    private const string Plain = "plain.";

    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.SecretEncryptionKey) ? null : ParseKey(options.Value.SecretEncryptionKey);

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The HMAC key a secret stands for: the bytes after <c>whsec_</c>, base64-decoded (Standard Webhooks).</summary>
    public static byte[] SigningKeyOf(string secret) => Convert.FromBase64String(secret[Prefix.Length..]);

    public static byte[]? ParseKey(string value)
    {
        var bytes = new byte[48];
        return Convert.TryFromBase64String(value, bytes, out var written) && written == KeyBytes ? bytes[..KeyBytes] : null;
    }

    public string Protect(string secret, Guid webhookId)
    {
        if (_key is null)
        {
            return Plain + secret;
        }

        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + plaintext.Length + AesGcm.TagByteSizes.MaxSize];
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = sealedBytes.AsSpan(nonce.Length, plaintext.Length);
        var tag = sealedBytes.AsSpan(nonce.Length + plaintext.Length);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, webhookId.ToByteArray());
        return Encrypted + Convert.ToBase64String(sealedBytes);
    }

    public string Unprotect(string stored, Guid webhookId)
    {
        if (stored.StartsWith(Plain, StringComparison.Ordinal))
        {
            return stored[Plain.Length..];
        }

        if (!stored.StartsWith(Encrypted, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The secret of webhook {webhookId} is in a form this version does not know.");
        }

        if (_key is null)
        {
            throw new CryptographicException($"The secret of webhook {webhookId} is encrypted, but Webhooks:SecretEncryptionKey is not set.");
        }

        var sealedBytes = Convert.FromBase64String(stored[Encrypted.Length..]);
        var nonceLength = AesGcm.NonceByteSizes.MaxSize;
        var tagLength = AesGcm.TagByteSizes.MaxSize;
        var plaintext = new byte[sealedBytes.Length - nonceLength - tagLength];
        using var aes = new AesGcm(_key, tagLength);
        aes.Decrypt(
            sealedBytes.AsSpan(0, nonceLength), sealedBytes.AsSpan(nonceLength, plaintext.Length), sealedBytes.AsSpan(nonceLength + plaintext.Length),
            plaintext, webhookId.ToByteArray());
        return Encoding.UTF8.GetString(plaintext);
    }
}

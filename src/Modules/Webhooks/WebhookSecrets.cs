using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// The keys webhook signing secrets are encrypted with, by id: <c>Webhooks:SecretEncryptionKeys:&lt;id&gt;</c>, plus the
/// older single <c>Webhooks:SecretEncryptionKey</c> as id <see cref="LegacyKeyId"/>. New secrets are encrypted with the
/// active key (<c>Webhooks:ActiveSecretKeyId</c>, or the only key); the others only decrypt, until the start-up pass
/// (<see cref="WebhookSecretReencryption"/>) has moved every row to the active key.
/// </summary>
internal sealed partial class WebhookSecretKeys
{
    public const string LegacyKeyId = "default";
    public const int KeyBytes = 32;

    private WebhookSecretKeys(IReadOnlyDictionary<string, byte[]> keys, string? activeId)
    {
        Keys = keys;
        ActiveId = activeId;
    }

    public IReadOnlyDictionary<string, byte[]> Keys { get; }

    /// <summary>Null when no key is configured: secrets are then stored in plain text.</summary>
    public string? ActiveId { get; }

    /// <summary>The key ring the settings describe, and each setting that is wrong, by name.</summary>
    public static (WebhookSecretKeys Keys, List<string> Errors) From(WebhookOptions options)
    {
        var errors = new List<string>();
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, value) in options.SecretEncryptionKeys)
        {
            if (!KeyIdPattern().IsMatch(id))
            {
                errors.Add($"Webhooks:SecretEncryptionKeys:{id}: a key id must be 1 to 32 of A-Z, a-z, 0-9, '_' and '-'.");
            }
            else if (ParseKey(value) is { } key)
            {
                keys[id] = key;
            }
            else
            {
                errors.Add($"Webhooks:SecretEncryptionKeys:{id} must be the base64 of exactly 32 random bytes.");
            }
        }

        if (!string.IsNullOrEmpty(options.SecretEncryptionKey))
        {
            if (ParseKey(options.SecretEncryptionKey) is not { } legacy)
            {
                errors.Add("Webhooks:SecretEncryptionKey must be the base64 of exactly 32 random bytes.");
            }
            else if (keys.ContainsKey(LegacyKeyId))
            {
                errors.Add($"Webhooks:SecretEncryptionKey is the key with id '{LegacyKeyId}': it cannot also be set as Webhooks:SecretEncryptionKeys:{LegacyKeyId}.");
            }
            else
            {
                keys[LegacyKeyId] = legacy;
            }
        }

        string? active = null;
        if (!string.IsNullOrEmpty(options.ActiveSecretKeyId))
        {
            active = options.ActiveSecretKeyId;
            if (!keys.ContainsKey(active))
            {
                errors.Add($"Webhooks:ActiveSecretKeyId '{active}' names no key: set Webhooks:SecretEncryptionKeys:{active}.");
            }
        }
        else if (keys.Count == 1)
        {
            active = keys.Keys.Single();
        }
        else if (keys.Count > 1)
        {
            errors.Add($"Webhooks:ActiveSecretKeyId must name the key new secrets are encrypted with (one of: {string.Join(", ", keys.Keys.Order(StringComparer.Ordinal))}).");
        }

        return (new WebhookSecretKeys(keys, active), errors);
    }

    public static byte[]? ParseKey(string value)
    {
        var bytes = new byte[48];
        return Convert.TryFromBase64String(value, bytes, out var written) && written == KeyBytes ? bytes[..KeyBytes] : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyIdPattern();
}

/// <summary>
/// Signing secrets: <c>whsec_</c> + base64 of 32 random bytes, as Standard Webhooks has them. The secret must be read
/// back to sign, so it cannot be hashed; it is stored AES-256-GCM encrypted with the active key as
/// <c>v2.&lt;key id&gt;.</c> + base64 of nonce, ciphertext and tag, bound to its webhook's id (associated data) so a
/// stored secret cannot be moved to another row. Also read: <c>v1.</c> + the same without a key id (written before
/// keys had ids; any key that opens it will do) and, where no key is configured (Development, tests), <c>plain.</c> +
/// the secret. The API never shows a secret again after registration.
/// </summary>
internal sealed class WebhookSecrets
{
    public const string Prefix = "whsec_";
    private const int SecretBytes = 32;
    private const string Keyed = "v2.";
    private const string Unkeyed = "v1.";
    private const string Plain = "plain.";

    private readonly WebhookSecretKeys _keys;

    public WebhookSecrets(IOptions<WebhookOptions> options) => _keys = WebhookSecretKeys.From(options.Value).Keys;

    /// <summary>Whether secrets are encrypted (a key is configured).</summary>
    public bool Encrypts => _keys.ActiveId is not null;

    /// <summary>What every stored secret starts with once it is stored the way <see cref="Protect"/> stores it now.</summary>
    public string CurrentPrefix => _keys.ActiveId is { } active ? $"{Keyed}{active}." : Plain;

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The HMAC key a secret stands for: the bytes after <c>whsec_</c>, base64-decoded (Standard Webhooks).</summary>
    public static byte[] SigningKeyOf(string secret) => Convert.FromBase64String(secret[Prefix.Length..]);

    public string Protect(string secret, Guid webhookId)
    {
        if (_keys.ActiveId is not { } active)
        {
            return Plain + secret;
        }

        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + plaintext.Length + AesGcm.TagByteSizes.MaxSize];
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = sealedBytes.AsSpan(nonce.Length, plaintext.Length);
        var tag = sealedBytes.AsSpan(nonce.Length + plaintext.Length);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys.Keys[active], AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, webhookId.ToByteArray());
        return $"{Keyed}{active}.{Convert.ToBase64String(sealedBytes)}";
    }

    /// <exception cref="CryptographicException">The secret is encrypted with a key that is not configured, or was altered or moved.</exception>
    public string Unprotect(string stored, Guid webhookId)
    {
        if (stored.StartsWith(Plain, StringComparison.Ordinal))
        {
            return stored[Plain.Length..];
        }

        if (stored.StartsWith(Keyed, StringComparison.Ordinal))
        {
            var rest = stored.AsSpan(Keyed.Length);
            var dot = rest.IndexOf('.');
            var keyId = dot > 0 ? rest[..dot].ToString() : "";
            if (!_keys.Keys.TryGetValue(keyId, out var key))
            {
                throw new CryptographicException(
                    $"The secret of webhook {webhookId} is encrypted with key '{keyId}', which is not configured (Webhooks:SecretEncryptionKeys:{keyId}).");
            }

            return Decrypt(key, Convert.FromBase64String(rest[(dot + 1)..].ToString()), webhookId);
        }

        if (!stored.StartsWith(Unkeyed, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The secret of webhook {webhookId} is in a form this version does not know.");
        }

        // Written before keys had ids: the key that opens it is the one (GCM's tag tells a wrong key for certain).
        var sealedBytes = Convert.FromBase64String(stored[Unkeyed.Length..]);
        foreach (var candidate in _keys.Keys.Values)
        {
            try
            {
                return Decrypt(candidate, sealedBytes, webhookId);
            }
            catch (CryptographicException)
            {
            }
        }

        throw new CryptographicException($"The secret of webhook {webhookId} is encrypted with a key that is not configured in Webhooks:SecretEncryptionKeys.");
    }

    private static string Decrypt(byte[] key, byte[] sealedBytes, Guid webhookId)
    {
        var nonceLength = AesGcm.NonceByteSizes.MaxSize;
        var tagLength = AesGcm.TagByteSizes.MaxSize;
        if (sealedBytes.Length < nonceLength + tagLength)
        {
            throw new CryptographicException($"The secret of webhook {webhookId} is truncated.");
        }

        var plaintext = new byte[sealedBytes.Length - nonceLength - tagLength];
        using var aes = new AesGcm(key, tagLength);
        aes.Decrypt(
            sealedBytes.AsSpan(0, nonceLength), sealedBytes.AsSpan(nonceLength, plaintext.Length), sealedBytes.AsSpan(nonceLength + plaintext.Length),
            plaintext, webhookId.ToByteArray());
        return Encoding.UTF8.GetString(plaintext);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Settings under <c>Webhooks</c>. The defaults retry a failing delivery 7 times over about 23 hours
/// (30 s, 2 m, 8 m, 32 m, 2 h, 8.5 h, 12 h, each ±20 %), then mark it failed; a webhook failing every attempt for a
/// day is disabled.
/// </summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Lets webhooks target loopback, private, link-local and other internal addresses (tests, on-premises).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Delay before the first retry; each later retry waits <see cref="RetryFactor"/> times longer.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public double RetryFactor { get; set; } = 4;

    /// <summary>No retry waits longer than this.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Attempts in all (the first and the retries) before a delivery is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>A webhook whose attempts have all failed for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The whole of one attempt: connecting, sending and reading the (capped) response.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At most this much of a receiver's response is read; the rest is ignored.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many deliveries are claimed by one statement, and attempts recorded in one transaction.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// Attempts one dispatcher has in flight at once; free slots are refilled once half of them are free, so a slow
    /// receiver holds one of them, not a batch.
    /// </summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// Keys that encrypt webhook signing secrets (AES-256-GCM), by id (<c>Webhooks:SecretEncryptionKeys:&lt;id&gt;</c>),
    /// each the base64 of 32 random bytes. Required outside Development and Testing. Every host of a deployment needs
    /// the same keys. To rotate, add a key, make it active, restart: a start-up pass re-encrypts every secret with it,
    /// after which the old key can be removed. See <see cref="WebhookSecrets"/>.
    /// </summary>
    public Dictionary<string, string> SecretEncryptionKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The id of the key new and re-encrypted secrets use; may be left out when there is one key.</summary>
    public string? ActiveSecretKeyId { get; set; }

    /// <summary>
    /// The single key of earlier versions: still honoured, as the key with id <c>default</c>
    /// (<see cref="WebhookSecretKeys.LegacyKeyId"/>).
    /// </summary>
    public string? SecretEncryptionKey { get; set; }

    /// <summary>A claimed delivery whose attempt has not finished by then (its host died) is taken up again.</summary>
    public TimeSpan ClaimLease => RequestTimeout + TimeSpan.FromSeconds(30);
}

/// <summary>Fails start-up with a message naming each bad setting.</summary>
/// <param name="environment">
/// Outside Development and Testing (and so in Production) a secret encryption key is required; null (unit tests of the
/// other rules) means Development.
/// </param>
internal sealed class WebhookOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>();
        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add("Webhooks:RetryBaseDelay must be more than 0 and at most 1 hour.");
        }

        if (options.RetryFactor is < 1 or > 10 || double.IsNaN(options.RetryFactor))
        {
            errors.Add("Webhooks:RetryFactor must be between 1 and 10.");
        }

        if (options.MaxRetryDelay < options.RetryBaseDelay || options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            errors.Add("Webhooks:MaxRetryDelay must be at least Webhooks:RetryBaseDelay and at most 1 day.");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            errors.Add("Webhooks:MaxAttempts must be between 1 and 20.");
        }

        if (options.DisableAfter <= TimeSpan.Zero)
        {
            errors.Add("Webhooks:DisableAfter must be more than 0.");
        }

        if (options.RequestTimeout < TimeSpan.FromMilliseconds(100) || options.RequestTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("Webhooks:RequestTimeout must be between 100 ms and 1 minute.");
        }

        if (options.MaxResponseBytes is < 0 or > 1024 * 1024)
        {
            errors.Add("Webhooks:MaxResponseBytes must be between 0 and 1048576.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Webhooks:PollInterval must be between 10 ms and 1 minute.");
        }

        if (options.BatchSize is < 1 or > 100)
        {
            errors.Add("Webhooks:BatchSize must be between 1 and 100.");
        }

        if (options.MaxConcurrency is < 1 or > 64)
        {
            errors.Add("Webhooks:MaxConcurrency must be between 1 and 64.");
        }

        var (keys, keyErrors) = WebhookSecretKeys.From(options);
        errors.AddRange(keyErrors);
        if (keys.Keys.Count == 0 && RequiresEncryption)
        {
            errors.Add($"Webhooks:SecretEncryptionKeys must hold a key in {environment!.EnvironmentName}: webhook signing secrets are not stored in plain text " +
                "outside Development. Set Webhooks:SecretEncryptionKeys:<id> to the base64 of 32 random bytes (openssl rand -base64 32) and " +
                "Webhooks:ActiveSecretKeyId to that id.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private bool RequiresEncryption => environment is not null && !environment.IsDevelopment() && !environment.IsEnvironment("Testing");
}

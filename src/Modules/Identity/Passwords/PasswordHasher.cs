using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Orbit.Shared.Messaging;
using Orbit.Shared.Results;
using Orbit.Modules.Identity.Users;

namespace Orbit.Modules.Identity.Passwords;

internal sealed class PasswordHashingOptions
{
    public const string Section = "Identity:PasswordHashing";

    /// <summary>Hashes computed at once by this process; 0 means half the processors (at least 1).</summary>
    [Range(0, 1024, ErrorMessage = "Identity:PasswordHashing:MaxConcurrency must be between 0 (half the processors) and 1024.")]
    public int MaxConcurrency { get; set; }

    /// <summary>Hashes that may wait for a turn; beyond them a request gets 429 at once.</summary>
    [Range(0, 10_000, ErrorMessage = "Identity:PasswordHashing:QueueLimit must be between 0 and 10000.")]
    public int QueueLimit { get; set; } = 8;

    public int EffectiveConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount / 2);
}

/// <summary>
/// PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP's 2023 figure), 16-byte salt, 32-byte key, stored as
/// <c>pbkdf2-sha256$iterations$salt$key</c> so the cost can be raised later without breaking old hashes.
/// </summary>
/// <remarks>
/// One hash costs a few hundred milliseconds of a core, and it runs on the request thread pool. Requests therefore
/// take turns (<see cref="PasswordHashingOptions"/>): at most half the processors hash at once, a few more wait
/// without holding a thread, and the rest are refused with 429 straight away. A burst of sign-ins then costs its
/// senders time, not every other user of the host: the pool keeps free threads and the other half of the CPU.
/// </remarks>
internal sealed class PasswordHasher : IDisposable
{
    public const int Iterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";

    /// <summary>The wait suggested to a refused request: about the time a queue of hashes takes to drain.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly Counter<long> Refused = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.identity.password_hashing.refused", unit: "{request}", description: "Password hashes refused with 429 because every turn and queue place was taken.");

    private readonly ConcurrencyLimiter _turns;

    // Verified against when the email is unknown, so that case costs the same as a wrong password.
    private readonly Lazy<string> _decoy = new(() => HashPassword(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public PasswordHasher(IOptions<PasswordHashingOptions> options) =>
        _turns = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.EffectiveConcurrency,
            QueueLimit = options.Value.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    /// <summary>Unbounded, for start-up work (the bootstrap admin); requests use <see cref="HashAsync"/>.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(key));
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A new hash of <paramref name="password"/>, or <see cref="IdentityErrors.PasswordHashingBusy"/> when no turn is free.</summary>
    public ValueTask<Result<string>> HashAsync(string password, CancellationToken cancellationToken) =>
        InTurnAsync(() => HashPassword(password), cancellationToken);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>, or <see cref="IdentityErrors.PasswordHashingBusy"/>.</summary>
    public ValueTask<Result<bool>> VerifyAsync(string password, string stored, CancellationToken cancellationToken) =>
        InTurnAsync(() => Verify(password, stored), cancellationToken);

    /// <summary>Spends the same time (and takes the same turn) as a real verification and always fails.</summary>
    public ValueTask<Result<bool>> VerifyAgainstDecoyAsync(string password, CancellationToken cancellationToken) =>
        InTurnAsync(() =>
        {
            _ = Verify(password, _decoy.Value);
            return false;
        }, cancellationToken);

    public void Dispose() => _turns.Dispose();

    private async ValueTask<Result<T>> InTurnAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        using var turn = await _turns.AcquireAsync(1, cancellationToken);
        if (!turn.IsAcquired)
        {
            Refused.Add(1);
            return Result<T>.Failure(IdentityErrors.PasswordHashingBusy);
        }

        return Result<T>.Success(hash());
    }
}

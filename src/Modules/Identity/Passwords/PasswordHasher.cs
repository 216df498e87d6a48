using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orbit.Modules.Identity.Passwords;

/// <summary>
/// PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP's 2023 figure), 16-byte salt, 32-byte key, stored as
/// <c>pbkdf2-sha256$iterations$salt$key</c> so the cost can be raised later without breaking old hashes.
/// </summary>
internal sealed class PasswordHasher
{
    public const int Iterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";

    // Verified against when the email is unknown, so that case costs the same as a wrong password.
    private readonly Lazy<string> _decoy = new(() => HashPassword(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

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

    /// <summary>Spends the same time as a real verification and always fails.</summary>
    public void VerifyAgainstDecoy(string password) => _ = Verify(password, _decoy.Value);
}

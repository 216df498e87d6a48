using System.Collections.Frozen;

namespace Orbit.Modules.Identity.Passwords;

/// <summary>
/// What a new password must not be, after its length (12 to 128 characters, <c>UserRules</c>), following NIST SP
/// 800-63B: not a common or breached password (the list shipped in common-passwords.txt, compared ignoring case, also
/// with trailing digits and symbols removed, so dragon2024! counts as dragon), not a run of three or fewer distinct
/// characters, and not the account's email or the name part before its @. No composition rules (they make passwords
/// harder to remember, not to guess). Applied at registration, password change and completing a forced reset.
/// </summary>
internal static class PasswordPolicy
{
    /// <summary>The shortest email name part that a password may not contain: shorter ones (al@...) match too much by chance.</summary>
    private const int ShortestRefusedNamePart = 4;

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    /// <summary>Null when <paramref name="password"/> is acceptable; otherwise the reason, naming <paramref name="field"/>.</summary>
    public static string? Refusal(string? password, string? email, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
        {
            return null; // NotEmpty and the length rule speak for it.
        }

        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower))
        {
            return $"{field} is one of the most common passwords found in data breaches; choose another.";
        }

        var stem = lower.TrimEnd("0123456789!@#$%^&*()-_=+.,;:?/\\|'\"`~[]{}<> ".ToCharArray());
        if (stem.Length >= 4 && stem.Length < lower.Length && Common.Value.Contains(stem))
        {
            return $"{field} is a common password with digits or symbols added; choose another.";
        }

        if (lower.Distinct().Count() <= 3)
        {
            return $"{field} repeats too few different characters; choose another.";
        }

        if (!string.IsNullOrWhiteSpace(email))
        {
            var address = email.Trim().ToLowerInvariant();
            var namePart = address.Split('@')[0];
            if (lower.Contains(address, StringComparison.Ordinal) || (namePart.Length >= ShortestRefusedNamePart && lower.Contains(namePart, StringComparison.Ordinal)))
            {
                return $"{field} must not contain your email address or the name before its @.";
            }
        }

        return null;
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list (common-passwords.txt) is not embedded in the Identity assembly.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                passwords.Add(line);
            }
        }

        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}

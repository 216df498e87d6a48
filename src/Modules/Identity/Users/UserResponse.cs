namespace Orbit.Modules.Identity.Users;

// Dapper materialises these through their setters: Npgsql reports text[] columns as System.Array, which Dapper's
// constructor matching rejects, while a setter takes the string[] it really is.

/// <summary>A user as the user sees themself (<c>/users/me</c>, registration).</summary>
internal sealed record UserResponse
{
    public required Guid Id { get; init; }

    public required string Email { get; init; }

    public required string DisplayName { get; init; }

    public required string[] Roles { get; init; }

    public required DateTime CreatedAt { get; init; }
}

/// <summary>A user as an admin sees them.</summary>
internal sealed record AdminUserResponse
{
    public required Guid Id { get; init; }

    public required string Email { get; init; }

    public required string DisplayName { get; init; }

    public required string[] Roles { get; init; }

    public required bool IsDisabled { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public required int Version { get; init; }
}

internal static class UserRules
{
    public const int PasswordMinLength = 12;
    public const int PasswordMaxLength = 128;
    public const int DisplayNameMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const string AdminRole = "admin";
    public static readonly string[] KnownRoles = [AdminRole];

    /// <summary>The columns of <see cref="AdminUserResponse"/>, so admin features select the same shape.</summary>
    public const string AdminColumns = """
        id as Id, email as Email, display_name as DisplayName, roles as Roles, is_disabled as IsDisabled,
        created_at as CreatedAt, updated_at as UpdatedAt, version as Version
        """;

    /// <summary>
    /// An ILIKE pattern for "contains this text", or <c>null</c> for blank text (no filter). The caller's text is
    /// matched literally: '%' and '_' are not wildcards for them (backslash is ILIKE's default escape).
    /// </summary>
    public static string? ContainsPattern(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : "%" + text.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
}

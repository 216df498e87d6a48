using System.ComponentModel.DataAnnotations;

namespace Orbit.Modules.Identity.Authentication;

internal sealed class JwtOptions
{
    public const string Section = "Jwt";

    [Required(ErrorMessage = "Jwt:Issuer is required.")]
    public string Issuer { get; set; } = "orbit";

    [Required(ErrorMessage = "Jwt:Audience is required.")]
    public string Audience { get; set; } = "orbit-api";

    /// <summary>HS256 key; at least 32 bytes of UTF-8. No default: every environment sets its own.</summary>
    [Required(ErrorMessage = "Jwt:SigningKey is required (at least 32 characters).")]
    [MinLength(32, ErrorMessage = "Jwt:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = "";

    [Range(1, 60, ErrorMessage = "Jwt:AccessTokenMinutes must be between 1 and 60.")]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 90, ErrorMessage = "Jwt:RefreshTokenDays must be between 1 and 90.")]
    public int RefreshTokenDays { get; set; } = 14;
}

internal sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    // Checked in IdentityModule, where an empty value counts as "not set" (as an empty environment variable does).
    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AdminEmail) && !string.IsNullOrEmpty(AdminPassword);

    public string AdminDisplayName { get; set; } = "Administrator";
}

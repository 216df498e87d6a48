using System.Text.RegularExpressions;
using FluentValidation;

namespace Orbit.Modules.Projects.Resources;

/// <summary>The field rules that creating and editing a project share; the table's check constraints repeat them.</summary>
internal static partial class ProjectRules
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 10_000;

    /// <summary>One message per bad key: required, else "uppercase" when only the case is wrong, else the format.</summary>
    public static IRuleBuilderOptions<T, string?> ValidProjectKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(key => !string.IsNullOrEmpty(key)).WithMessage("key is required.")
            .Must(key => string.IsNullOrEmpty(key) || KeyPattern().IsMatch(key) || !KeyPattern().IsMatch(key.ToUpperInvariant()))
            .WithMessage((_, key) => $"key must be uppercase (A–Z and 0–9): use {key!.ToUpperInvariant()}.")
            .Must(key => string.IsNullOrEmpty(key) || KeyPattern().IsMatch(key.ToUpperInvariant()))
            .WithMessage("key must be 2 to 10 characters of A–Z and 0–9, starting with a letter (for example ABC or WEB2).");

    /// <summary>Required, 1 to 200 characters once trimmed. <c>null</c> is refused with its own message (a merge patch may send it).</summary>
    public static IRuleBuilderOptions<T, string?> ValidProjectName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(name => !string.IsNullOrWhiteSpace(name)).WithMessage("name is required and cannot be null or blank.")
            .Must(name => name is null || name.Trim().Length <= NameMaxLength)
            .WithMessage($"name must be 1 to {NameMaxLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidProjectDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(description => description is null || description.Length <= DescriptionMaxLength)
            .WithMessage($"description must be at most {DescriptionMaxLength} characters.");

    /// <summary>One of viewer, member, maintainer, owner, in that case.</summary>
    public static IRuleBuilderOptions<T, string?> ValidMemberRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(role => !string.IsNullOrEmpty(role)).WithMessage("role is required.")
            .Must(role => string.IsNullOrEmpty(role) || ProjectRoles.Parse(role) is not null)
            .WithMessage($"role must be one of: {string.Join(", ", ProjectRoles.Names)}.");

    /// <summary>Names are trimmed; a blank description is no description.</summary>
    public static string NormalizeName(string name) => name.Trim();

    public static string? NormalizeDescription(string? description) => string.IsNullOrWhiteSpace(description) ? null : description;

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}

using Orbit.Shared.Validation;
using FluentValidation;
using Orbit.Modules.Identity.Passwords;

namespace Orbit.Modules.Identity.Users;

internal static class UserValidationRules
{
    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("email is required.")
            .MaximumLength(UserRules.EmailMaxLength).WithMessage($"email must be at most {UserRules.EmailMaxLength} characters.")
            .EmailAddress().WithMessage("email must be an email address.");

    /// <summary>Length, then <see cref="PasswordPolicy"/> against the account's email (when the command knows it).</summary>
    public static IRuleBuilderOptions<T, string> ValidPassword<T>(this IRuleBuilder<T, string> rule, Func<T, string?> emailOf, string field = "password") =>
        rule.NotEmpty().WithMessage($"{field} is required.")
            .Length(UserRules.PasswordMinLength, UserRules.PasswordMaxLength)
            .WithMessage($"{field} must be {UserRules.PasswordMinLength} to {UserRules.PasswordMaxLength} characters.")
            .Must((command, password) => PasswordPolicy.Refusal(password, emailOf(command), field) is null)
            .WithMessage((command, password) => PasswordPolicy.Refusal(password, emailOf(command), field));

    public static IRuleBuilderOptions<T, string> ValidDisplayName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("displayName is required.")
            .TrimmedMaximumLength(UserRules.DisplayNameMaxLength)
            .WithMessage($"displayName must be 1 to {UserRules.DisplayNameMaxLength} characters.");
}

using Orbit.Shared.Validation;
using FluentValidation;

namespace Orbit.Modules.Identity.Users;

internal static class UserValidationRules
{
    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("email is required.")
            .MaximumLength(UserRules.EmailMaxLength).WithMessage($"email must be at most {UserRules.EmailMaxLength} characters.")
            .EmailAddress().WithMessage("email must be an email address.");

    public static IRuleBuilderOptions<T, string> ValidPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("password is required.")
            .Length(UserRules.PasswordMinLength, UserRules.PasswordMaxLength)
            .WithMessage($"password must be {UserRules.PasswordMinLength} to {UserRules.PasswordMaxLength} characters.");

    public static IRuleBuilderOptions<T, string> ValidDisplayName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("displayName is required.")
            .TrimmedMaximumLength(UserRules.DisplayNameMaxLength)
            .WithMessage($"displayName must be 1 to {UserRules.DisplayNameMaxLength} characters.");
}

using FluentValidation;

namespace Orbit.Shared.Paging;

public static class PageValidationExtensions
{
    public static IRuleBuilderOptions<T, int> MustBeAPageLimit<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(1, Cursor.MaxLimit).WithMessage($"limit must be between 1 and {Cursor.MaxLimit}.");

    public static IRuleBuilderOptions<T, string?> MustBeACursorOf<T, TKey>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(cursor => Cursor.TryDecode<TKey>(cursor, out _)).WithMessage("cursor is not a cursor this list issued.");
}

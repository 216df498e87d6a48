using FluentValidation;
using FluentValidation.Validators;

namespace Orbit.Shared.Validation;

/// <summary>
/// Rules that say what they enforce. FluentValidation's own validators (NotEmpty, MaximumLength, InclusiveBetween,
/// Matches...) already expose their limits; these add the ones Orbit needs that it has no validator for, so that the
/// OpenAPI description reads every limit from the validators instead of repeating it.
/// </summary>
public interface IAllowedValuesValidator : IPropertyValidator
{
    IReadOnlyList<string> Values { get; }

    /// <summary>True when each item of a list must be one of the values, rather than the value itself.</summary>
    bool AppliesToItems { get; }
}

/// <summary>A list holds between <see cref="Min"/> and <see cref="Max"/> items.</summary>
public interface IItemCountValidator : IPropertyValidator
{
    int Min { get; }

    int Max { get; }
}

/// <summary>Each string of a list is between <see cref="Min"/> and <see cref="Max"/> characters (after trimming).</summary>
public interface IItemLengthValidator : IPropertyValidator
{
    int Min { get; }

    int Max { get; }
}

public static class DescribedRuleExtensions
{
    /// <summary>Null or one of the values (ordinal). Null is left to NotEmpty/NotNull, as FluentValidation does.</summary>
    public static IRuleBuilderOptions<T, TString> OneOf<T, TString>(this IRuleBuilder<T, TString> rule, IEnumerable<string> values)
        where TString : IComparable<string?>? =>
        rule.SetValidator(new AllowedValuesValidator<T, TString>([.. values]));

    /// <summary>Null, or every item is one of the values.</summary>
    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> EachOneOf<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule, IEnumerable<string> values) =>
        rule.SetValidator(new AllowedItemsValidator<T>([.. values]));

    /// <summary>Null, or at most <paramref name="max"/> characters once trimmed (surrounding spaces are not kept).</summary>
    public static IRuleBuilderOptions<T, TString> TrimmedMaximumLength<T, TString>(this IRuleBuilder<T, TString> rule, int max)
        where TString : IComparable<string?>? =>
        rule.SetValidator(new TrimmedLengthValidator<T, TString>(max));

    /// <summary>Null, or between <paramref name="min"/> and <paramref name="max"/> items.</summary>
    public static IRuleBuilderOptions<T, IReadOnlyList<TItem>?> ItemCount<T, TItem>(this IRuleBuilder<T, IReadOnlyList<TItem>?> rule, int min, int max) =>
        rule.SetValidator(new ItemCountValidator<T, TItem>(min, max));

    /// <summary>Null, or every item is 1 to <paramref name="max"/> characters once trimmed.</summary>
    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> EachTrimmedLength<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule, int max) =>
        rule.SetValidator(new ItemLengthValidator<T>(1, max));
}

internal sealed class AllowedValuesValidator<T, TString>(IReadOnlyList<string> values) : PropertyValidator<T, TString>, IAllowedValuesValidator
{
    public override string Name => "AllowedValuesValidator";

    public IReadOnlyList<string> Values { get; } = values;

    public bool AppliesToItems => false;

    public override bool IsValid(ValidationContext<T> context, TString value) => value is not string text || Values.Contains(text, StringComparer.Ordinal);

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be one of: " + string.Join(", ", Values) + ".";
}

internal sealed class AllowedItemsValidator<T>(IReadOnlyList<string> values) : PropertyValidator<T, IReadOnlyList<string>?>, IAllowedValuesValidator
{
    public override string Name => "AllowedItemsValidator";

    public IReadOnlyList<string> Values { get; } = values;

    public bool AppliesToItems => true;

    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<string>? value) =>
        value is null || value.All(v => v is not null && Values.Contains(v, StringComparer.Ordinal));

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} may only hold: " + string.Join(", ", Values) + ".";
}

internal sealed class TrimmedLengthValidator<T, TString>(int max) : PropertyValidator<T, TString>, ILengthValidator
{
    public override string Name => "TrimmedLengthValidator";

    public int Min => 0;

    public int Max { get; } = max;

    public override bool IsValid(ValidationContext<T> context, TString value) => value is not string text || text.Trim().Length <= Max;

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be at most " + Max + " characters.";
}

internal sealed class ItemCountValidator<T, TItem>(int min, int max) : PropertyValidator<T, IReadOnlyList<TItem>?>, IItemCountValidator
{
    public override string Name => "ItemCountValidator";

    public int Min { get; } = min;

    public int Max { get; } = max;

    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<TItem>? value) => value is null || (value.Count >= Min && value.Count <= Max);

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must hold " + Min + " to " + Max + " items.";
}

internal sealed class ItemLengthValidator<T>(int min, int max) : PropertyValidator<T, IReadOnlyList<string>?>, IItemLengthValidator
{
    public override string Name => "ItemLengthValidator";

    public int Min { get; } = min;

    public int Max { get; } = max;

    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<string>? value) =>
        value is null || value.All(v => v is not null && v.Trim().Length >= Min && v.Trim().Length <= Max);

    protected override string GetDefaultMessageTemplate(string errorCode) => "each item of {PropertyName} must be " + Min + " to " + Max + " characters.";
}

/// <summary>Null, or the value (normalized, e.g. uppercased) matches the pattern; the pattern is what a valid value looks like.</summary>
public sealed class NormalizedPatternValidator<T>(System.Text.RegularExpressions.Regex pattern, Func<string, string> normalize)
    : PropertyValidator<T, string?>, IRegularExpressionValidator
{
    public override string Name => "NormalizedPatternValidator";

    public string Expression => pattern.ToString();

    public override bool IsValid(ValidationContext<T> context, string? value) => string.IsNullOrEmpty(value) || pattern.IsMatch(normalize(value));

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must match " + Expression + ".";
}

/// <summary>The value is written in a JSON Schema format (<c>date</c>, <c>uri</c>...), checked by code.</summary>
public interface IFormatValidator : IPropertyValidator
{
    string Format { get; }
}

public static class FormatRuleExtensions
{
    /// <summary>Null, or a value <paramref name="check"/> accepts, which the description calls <paramref name="format"/>.</summary>
    public static IRuleBuilderOptions<T, string?> HasFormat<T>(this IRuleBuilder<T, string?> rule, string format, Func<string, bool> check) =>
        rule.SetValidator(new FormatValidator<T>(format, check));
}

internal sealed class FormatValidator<T>(string format, Func<string, bool> check) : PropertyValidator<T, string?>, IFormatValidator
{
    public override string Name => "FormatValidator";

    public string Format { get; } = format;

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || check(value);

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be a " + Format + ".";
}

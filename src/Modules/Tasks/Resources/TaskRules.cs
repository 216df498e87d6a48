using Orbit.Shared.Validation;
using FluentValidation;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>Field rules that creating and updating a task share.</summary>
internal static class TaskRules
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 50_000;
    public const int MaxLabels = 20;
    public const int LabelMaxLength = 50;
    public const int CommentMaxLength = 20_000;

    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("title is required.")
            .TrimmedMaximumLength(TitleMaxLength).WithMessage($"title must be 1 to {TitleMaxLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(DescriptionMaxLength)
            .WithMessage($"description must be at most {DescriptionMaxLength} characters.");

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> ValidLabels<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.ItemCount(0, MaxLabels).WithMessage($"labels may hold at most {MaxLabels} labels.")
            .EachTrimmedLength(LabelMaxLength)
            .WithMessage((_, labels) => labels!.Any(string.IsNullOrWhiteSpace) ? "labels must not be empty." : $"each label must be at most {LabelMaxLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidCommentBody<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("body is required.")
            .MaximumLength(CommentMaxLength).WithMessage($"body must be 1 to {CommentMaxLength} characters.");

    /// <summary>Labels are trimmed and unique without regard to case; the first spelling wins.</summary>
    public static string[] NormalizeLabels(IEnumerable<string>? labels) =>
        (labels ?? []).Select(l => l.Trim()).DistinctBy(l => l.ToUpperInvariant()).ToArray();
}

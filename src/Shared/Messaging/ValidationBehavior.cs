using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Orbit.Shared.Results;

namespace Orbit.Shared.Messaging;

/// <summary>
/// Runs every FluentValidation validator of the message and turns failures into a <see cref="ValidationError"/>
/// value (never an exception), keyed by camelCase field names as the API's problem documents promise.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
    where TResponse : IFailable<TResponse>
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var failures = new List<ValidationFailure>();
        foreach (var validator in validators)
        {
            failures.AddRange((await validator.ValidateAsync(message, cancellationToken)).Errors);
        }

        return failures.Count == 0 ? await next(message, cancellationToken) : TResponse.Failure(ValidationFailures.ToError(failures));
    }
}

/// <summary>FluentValidation failures as the API reports them, for the pipeline and for the few endpoints outside it.</summary>
public static class ValidationFailures
{
    public static ValidationError ToError(IEnumerable<ValidationFailure> failures) =>
        new(failures
            .GroupBy(f => ToCamelCasePath(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).ToArray()));

    // "Labels[0]" stays indexable; "Owner.DisplayName" becomes "owner.displayName".
    private static string ToCamelCasePath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}

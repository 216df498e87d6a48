using System.Text.Json;
using FluentValidation;
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
        var errors = new Dictionary<string, List<string>>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            foreach (var failure in result.Errors)
            {
                var field = ToCamelCasePath(failure.PropertyName);
                if (!errors.TryGetValue(field, out var messages))
                {
                    errors[field] = messages = [];
                }

                messages.Add(failure.ErrorMessage);
            }
        }

        if (errors.Count == 0)
        {
            return await next(message, cancellationToken);
        }

        return TResponse.Failure(new ValidationError(errors.ToDictionary(e => e.Key, e => e.Value.ToArray())));
    }

    // "Labels[0]" stays indexable; "Owner.DisplayName" becomes "owner.displayName".
    private static string ToCamelCasePath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}

using Mediator;
using Orbit.Shared.Results;

namespace Orbit.Shared.Authorization;

/// <summary>
/// Decides whether the caller may send this message. A module implements it once for a family of messages (for
/// example every message scoped to a project) and registers it; the behaviour applies it, so no handler re-checks.
/// </summary>
public interface IRequestAuthorizer<in TMessage>
{
    /// <returns><c>null</c> when allowed, else the error to answer with (usually not-found or forbidden).</returns>
    ValueTask<Error?> AuthorizeAsync(TMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Runs after validation (no point authorizing a malformed request) and before the transaction opens, so a denied
/// request never takes a connection for writing.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(IEnumerable<IRequestAuthorizer<TMessage>> authorizers)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
    where TResponse : IFailable<TResponse>
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        foreach (var authorizer in authorizers)
        {
            if (await authorizer.AuthorizeAsync(message, cancellationToken) is { } denied)
            {
                return TResponse.Failure(denied);
            }
        }

        return await next(message, cancellationToken);
    }
}

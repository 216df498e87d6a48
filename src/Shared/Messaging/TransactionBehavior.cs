using Mediator;
using Orbit.Shared.Data;
using Orbit.Shared.Results;

namespace Orbit.Shared.Messaging;

/// <summary>
/// Innermost behaviour, commands only: the handler's statements run in one transaction that commits when the result
/// is a success and rolls back on a failure value or an exception, so a failed request leaves nothing half-written.
/// When the scope already has a transaction open, the command joins it and whoever opened it commits or rolls back:
/// that is how a request with an Idempotency-Key makes the key, the command's writes and the stored response one unit
/// (<see cref="Http.Idempotency"/>, which rolls back every answer of 400 and above).
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
    where TResponse : IFailable<TResponse>
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (unitOfWork.HasActiveTransaction)
        {
            return await next(message, cancellationToken);
        }

        await unitOfWork.BeginAsync(cancellationToken);
        try
        {
            var response = await next(message, cancellationToken);
            if (response.IsSuccess)
            {
                await unitOfWork.CommitAsync(cancellationToken);
            }
            else
            {
                await unitOfWork.RollbackAsync(cancellationToken);
            }

            return response;
        }
        catch
        {
            await unitOfWork.RollbackAsync(cancellationToken);
            throw;
        }
    }
}

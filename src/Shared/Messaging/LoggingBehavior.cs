using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using Orbit.Shared.Results;

namespace Orbit.Shared.Messaging;

/// <summary>
/// Outermost behaviour: one span and one duration measurement per request, tagged with module and outcome, and a
/// log line for failures. Successful requests log at Debug so that Information stays quiet under load; the log calls are
/// source-generated (<see cref="PipelineLog"/>), so at the usual Information level a success costs a level check, not
/// an argument array and a format-cache lookup.
/// </summary>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string RequestName = typeof(TMessage).Name;
    private static readonly string Module = OrbitTelemetry.ModuleOf(typeof(TMessage));

    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        using var activity = OrbitTelemetry.ActivitySource.StartActivity(RequestName);
        activity?.SetTag("orbit.module", Module);
        activity?.SetTag("orbit.request", RequestName);
        var started = Stopwatch.GetTimestamp();
        var outcome = "success";
        try
        {
            var response = await next(message, cancellationToken);
            if (response is IFailable<object> { IsSuccess: false, Error: { } error })
            {
                outcome = error.Type.ToString().ToLowerInvariant();
                activity?.SetTag("orbit.error.code", error.Code);
                PipelineLog.Failed(logger, RequestName, Module, error.Code);
            }
            else
            {
                PipelineLog.Succeeded(logger, RequestName, Module);
            }

            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        catch (Exception exception)
        {
            outcome = "exception";
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
        finally
        {
            activity?.SetTag("orbit.outcome", outcome);
            OrbitTelemetry.MediatorRequestDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("orbit.module", Module),
                new KeyValuePair<string, object?>("orbit.request", RequestName),
                new KeyValuePair<string, object?>("orbit.outcome", outcome));
        }
    }
}

/// <summary>The pipeline's log lines, source-generated: each checks the level before touching its arguments.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} in {Module} failed with {ErrorCode}")]
    public static partial void Failed(ILogger logger, string request, string module, string errorCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Request} in {Module} succeeded")]
    public static partial void Succeeded(ILogger logger, string request, string module);
}

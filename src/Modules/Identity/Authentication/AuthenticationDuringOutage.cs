using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orbit.Modules.Identity.Authentication;

/// <summary>
/// While the database is down, checking a valid token's user fails on every request. An exception thrown from a
/// JwtBearer event is logged as an Error by <c>JwtBearerHandler</c> and then again by the exception handler, once per
/// request: an outage of a few seconds became hundreds of Errors. Here the outage is caught inside the event, the
/// request stays unauthenticated, and its challenge answers 503 (the API's "database unavailable" problem) instead of
/// 401, so the client retries rather than signs out. One Warning per <see cref="LogWindow"/>, not one per request.
/// </summary>
internal static class AuthenticationDuringOutage
{
    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(30);
    private static readonly object OutageKey = new();
    private static long _lastLoggedTimestamp;

    /// <summary>Wraps the events' token check and challenge; whatever they do otherwise is unchanged.</summary>
    public static void Guard(JwtBearerEvents events)
    {
        var validated = events.OnTokenValidated;
        events.OnTokenValidated = async context =>
        {
            try
            {
                await validated(context);
            }
            catch (Exception exception) when (IsDatabaseUnavailable(exception) && !context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                context.HttpContext.Items[OutageKey] = exception;
                context.NoResult();
                LogOncePerWindow(context.HttpContext, exception);
            }
        };

        var challenge = events.OnChallenge;
        events.OnChallenge = async context =>
        {
            if (!context.HttpContext.Items.ContainsKey(OutageKey))
            {
                await challenge(context);
                return;
            }

            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Detail = "The database is unavailable. Try again shortly." },
            });
        };
    }

    // As the exception handler classifies it: a lost connection or a timeout, not an error the database answered.
    private static bool IsDatabaseUnavailable(Exception exception) =>
        exception is TimeoutException || (exception is NpgsqlException npgsql && (npgsql is not PostgresException || npgsql.IsTransient));

    private static void LogOncePerWindow(HttpContext context, Exception exception)
    {
        var now = TimeProvider.System.GetTimestamp();
        var last = Interlocked.Read(ref _lastLoggedTimestamp);
        if ((last != 0 && TimeProvider.System.GetElapsedTime(last, now) < LogWindow) || Interlocked.CompareExchange(ref _lastLoggedTimestamp, now, last) != last)
        {
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthenticationDuringOutage));
        logger.LogWarning(exception, "Authentication cannot reach the database; answering 503 to authenticated requests (logged once per {Seconds} s)", LogWindow.TotalSeconds);
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Orbit.Host.Http;

/// <summary>
/// The one place exceptions become problem documents. Unreadable requests (malformed JSON, wrong types, unknown
/// properties, oversized bodies, unparsable query values) get a 4xx that names the field; a lost database gets a
/// 503; anything else is a 500 with the trace id and never a stack trace.
/// </summary>
internal sealed partial class UnhandledExceptionHandler(IProblemDetailsService problems, ILogger<UnhandledExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("The client went away before the response was written");
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            NpgsqlException npgsql when npgsql is not PostgresException || npgsql.IsTransient => DatabaseUnavailable(),
            TimeoutException => DatabaseUnavailable(),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Detail = "An unexpected error occurred. Quote the traceId when you report it.",
            };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "Database unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails DatabaseUnavailable() => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = "The database is unavailable. Try again shortly.",
    };

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails { Status = exception.StatusCode, Detail = "The request body is too large." };
        }

        if (exception.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            if (json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            {
                return Invalid(field, "is not a known property.");
            }

            if (json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && field.Length > 0)
            {
                return Invalid(field, "has the wrong type.");
            }

            return new ProblemDetails { Status = StatusCodes.Status400BadRequest, Detail = "The request body is not valid JSON.", Extensions = { ["code"] = "request.malformed_json" } };
        }

        var binding = FailedBinding().Match(exception.Message);
        if (binding.Success)
        {
            return Invalid(binding.Groups["name"].Value, $"'{binding.Groups["value"].Value}' is not a valid value.");
        }

        if (exception.Message.Contains("was not provided from body", StringComparison.Ordinal) || exception.Message.Contains("Implicit body inferred", StringComparison.Ordinal))
        {
            return new ProblemDetails { Status = StatusCodes.Status400BadRequest, Detail = "A JSON request body is required.", Extensions = { ["code"] = "request.body_required" } };
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Detail = exception.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "The request body must be application/json."
                : "The request could not be read.",
        };
    }

    // The same code as a validator's answer (ValidationError), so a client handles an unknown or mistyped field the
    // same way whether the body was bound (POST) or read by hand (merge patches).
    private static HttpValidationProblemDetails Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field.Length == 0 ? "$" : field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Detail = "The request body does not match the expected shape.",
            Extensions = { ["code"] = Orbit.Shared.Results.ValidationError.ValidationFailedCode },
        };

    // "$.labels[2]" → "labels[2]"; "$" → "".
    private static string FieldOf(string? path) => path is null ? "" : path.TrimStart('$').TrimStart('.');

    [GeneratedRegex("""Failed to bind parameter "(?<type>[^"]+) (?<name>\w+)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex FailedBinding();
}

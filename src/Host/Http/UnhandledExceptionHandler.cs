using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Orbit.Shared.Http;

namespace Orbit.Host.Http;

/// <summary>
/// The one place exceptions become problem documents. Unreadable requests (malformed JSON, wrong types, unknown
/// properties, oversized bodies, unparsable query values) get a 4xx that names the field; a value the database
/// refuses (a PostgreSQL data exception, class 22) is the client's 400, behind the edge checks of
/// <see cref="InputText"/> and the validators; a lost database gets a 503; anything else is a 500 with the trace id and
/// never a stack trace. The answer is a problem document whatever the request's Accept header says.
/// </summary>
internal sealed partial class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> logger)
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
            PostgresException postgres when postgres.SqlState.StartsWith("22", StringComparison.Ordinal) => RefusedValue(postgres.SqlState),
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
        else if (exception is PostgresException refused && problem.Status == StatusCodes.Status400BadRequest)
        {
            // The client's mistake, not the server's: a warning, so input alone cannot fire the error-ratio alert.
            logger.LogWarning("The database refused a value ({SqlState}: {Reason}) for {Method} {Path}", refused.SqlState, refused.MessageText, context.Request.Method, context.Request.Path);
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "Database unavailable for {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "5";
        }

        await ApiResults.WriteProblemAsync(context, problem);
        return true;
    }

    /// <summary>
    /// A data exception (SQLSTATE class 22: text PostgreSQL cannot store, a value too long or out of range, a
    /// malformed number or date) only arises from a value the request carried. The detail says what kind, not which
    /// value: the database's message may quote it.
    /// </summary>
    private static ProblemDetails RefusedValue(string sqlState) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Detail = sqlState switch
        {
            PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter =>
                "A text value contains a character that cannot be stored (such as NUL).",
            PostgresErrorCodes.StringDataRightTruncation => "A value is longer than allowed.",
            PostgresErrorCodes.NumericValueOutOfRange => "A number is out of range.",
            PostgresErrorCodes.DatetimeFieldOverflow or PostgresErrorCodes.InvalidDatetimeFormat => "A date or time is out of range or malformed.",
            PostgresErrorCodes.InvalidTextRepresentation => "A value does not have the expected format.",
            _ => "A value in the request cannot be used.",
        },
        Extensions = { ["code"] = "request.invalid_value" },
    };

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

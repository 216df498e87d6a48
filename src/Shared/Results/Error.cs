namespace Orbit.Shared.Results;

public enum ErrorType
{
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionFailed,
    Unprocessable,
    TooManyRequests,
}

/// <summary>An expected failure: travels as a value and becomes a problem document in one place (<c>ApiResults</c>).</summary>
/// <param name="Code">Stable, machine-readable code such as <c>identity.email_taken</c>.</param>
/// <param name="Detail">Human-readable explanation for the client.</param>
public record Error(string Code, string Detail, ErrorType Type)
{
    public static Error NotFound(string code, string detail) => new(code, detail, ErrorType.NotFound);

    public static Error Conflict(string code, string detail) => new(code, detail, ErrorType.Conflict);

    public static Error Forbidden(string code, string detail) => new(code, detail, ErrorType.Forbidden);

    public static Error Unauthorized(string code, string detail) => new(code, detail, ErrorType.Unauthorized);

    public static Error PreconditionFailed(string code, string detail) => new(code, detail, ErrorType.PreconditionFailed);

    /// <summary>A 429: the same request may succeed after <paramref name="retryAfter"/> (sent as <c>Retry-After</c>).</summary>
    public static Error TooManyRequests(string code, string detail, TimeSpan retryAfter) => new RetryLaterError(code, detail, retryAfter);

    public static Error Validation(string field, string message) =>
        new ValidationError(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>A validation failure with messages per (camelCase) field.</summary>
public sealed record ValidationError(IReadOnlyDictionary<string, string[]> Errors)
    : Error(ValidationFailedCode, "One or more fields are invalid.", ErrorType.Validation)
{
    /// <summary>The code of every validation problem, however the invalid field was found.</summary>
    public const string ValidationFailedCode = "validation_failed";
}

/// <summary>Too many requests for now: the answer carries <c>Retry-After</c> with <see cref="RetryAfter"/>.</summary>
public sealed record RetryLaterError(string Code, string Detail, TimeSpan RetryAfter) : Error(Code, Detail, ErrorType.TooManyRequests);

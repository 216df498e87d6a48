using System.Diagnostics.Metrics;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Orbit.Host.Http;
using Orbit.Shared.Http;
using Orbit.Shared.Messaging;

namespace Orbit.Host.ClientTelemetry;

// Client telemetry lives in the host, beside the rest of Orbit's telemetry, rather than in a module: it has no schema,
// no business rule and nothing another module could ask about; it turns what browsers report into logs and metrics,
// as /metrics and the health probes expose the server's own. It bypasses the mediator on purpose: an anonymous,
// high-volume endpoint should not open a database transaction (TransactionBehavior) or a span per report.

/// <summary>What the web app reports: uncaught errors and Core Web Vitals, batched.</summary>
internal sealed record ClientEventsRequest(IReadOnlyList<ClientError>? Errors, IReadOnlyList<WebVital>? Vitals);

/// <param name="Message">The error's message, up to 2,000 characters.</param>
/// <param name="Stack">The JavaScript stack, up to 8,000 characters.</param>
/// <param name="Url">The page's address (the app strips query and fragment), up to 2,000 characters.</param>
/// <param name="ComponentStack">React's component stack, up to 8,000 characters.</param>
internal sealed record ClientError(string? Message, string? Stack, string? Url, string? ComponentStack);

/// <param name="Value">Milliseconds, except CLS (a unitless score).</param>
internal sealed record WebVital(
    [property: JsonConverter(typeof(JsonStringEnumConverter<WebVitalName>))] WebVitalName Name,
    double Value,
    [property: JsonConverter(typeof(JsonStringEnumConverter<WebVitalRating>))] WebVitalRating? Rating,
    string? Url);

// The names and ratings as the web-vitals library spells them; property-level converters, so the host's snake_case
// enum naming does not apply here.
internal enum WebVitalName
{
    LCP,
    INP,
    CLS,
    FCP,
    TTFB,
}

internal enum WebVitalRating
{
    [JsonStringEnumMemberName("good")]
    Good,

    [JsonStringEnumMemberName("needs-improvement")]
    NeedsImprovement,

    [JsonStringEnumMemberName("poor")]
    Poor,
}

internal sealed class ClientEventsValidator : AbstractValidator<ClientEventsRequest>
{
    public const int MaxItems = 20;
    public const int MessageMaxLength = 2_000;
    public const int StackMaxLength = 8_000;
    public const int UrlMaxLength = 2_000;

    // An hour in milliseconds: anything longer is a broken clock, not a page load, and would only skew the histograms.
    public const double MaxValue = 3_600_000;

    public ClientEventsValidator()
    {
        RuleFor(r => r.Errors).Must(e => e is null || e.Count <= MaxItems).WithMessage($"errors may hold at most {MaxItems} entries.");
        RuleFor(r => r.Vitals).Must(v => v is null || v.Count <= MaxItems).WithMessage($"vitals may hold at most {MaxItems} entries.");
        RuleForEach(r => r.Errors).NotNull().WithMessage("errors must not contain null.").ChildRules(error =>
        {
            error.RuleFor(e => e.Message).NotEmpty().WithMessage("message is required.")
                .MaximumLength(MessageMaxLength).WithMessage($"message must be at most {MessageMaxLength} characters.");
            error.RuleFor(e => e.Stack).MaximumLength(StackMaxLength).WithMessage($"stack must be at most {StackMaxLength} characters.");
            error.RuleFor(e => e.ComponentStack).MaximumLength(StackMaxLength).WithMessage($"componentStack must be at most {StackMaxLength} characters.");
            error.RuleFor(e => e.Url).NotEmpty().WithMessage("url is required.")
                .MaximumLength(UrlMaxLength).WithMessage($"url must be at most {UrlMaxLength} characters.");
        });
        RuleForEach(r => r.Vitals).NotNull().WithMessage("vitals must not contain null.").ChildRules(vital =>
        {
            vital.RuleFor(v => v.Name).IsInEnum().WithMessage("name must be one of LCP, INP, CLS, FCP, TTFB.");
            vital.RuleFor(v => v.Value).Must(v => double.IsFinite(v) && v is >= 0 and <= MaxValue)
                .WithMessage($"value must be a number from 0 to {MaxValue}.");
            vital.RuleFor(v => v.Url).NotEmpty().WithMessage("url is required.")
                .MaximumLength(UrlMaxLength).WithMessage($"url must be at most {UrlMaxLength} characters.");
        });
    }
}

/// <summary>The histograms of the Core Web Vitals and the count of reported client errors, on the <c>Orbit</c> meter.</summary>
internal static class ClientTelemetryMetrics
{
    // Bucket edges around each vital's "good" and "poor" thresholds (web.dev): LCP 2.5/4, INP 0.2/0.5,
    // FCP 1.8/3, TTFB 0.8/1.8 s; CLS 0.1/0.25. Browsers report milliseconds; durations are recorded in seconds, the
    // base unit Prometheus and OpenTelemetry's conventions ask for (promtool refuses a _milliseconds series).
    private static readonly double[] SecondBuckets = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10, 20, 60];
    private static readonly double[] ScoreBuckets = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

    private static readonly Dictionary<WebVitalName, Histogram<double>> Vitals = Enum.GetValues<WebVitalName>().ToDictionary(
        name => name,
        name => OrbitTelemetry.Meter.CreateHistogram(
            $"orbit.web.vital.{name.ToString().ToLowerInvariant()}",
            unit: name == WebVitalName.CLS ? null : "s",
            description: $"{name} reported by browsers running the web app" + (name == WebVitalName.CLS ? " (unitless layout-shift score)." : ", in seconds."),
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = name == WebVitalName.CLS ? ScoreBuckets : SecondBuckets }));

    private static readonly Counter<long> Errors = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.web.client_errors", unit: "{error}", description: "Errors reported by browsers running the web app (each is also a Warning log).");

    public static void Record(WebVital vital) =>
        Vitals[vital.Name].Record(vital.Name == WebVitalName.CLS ? vital.Value : vital.Value / 1000);

    public static void CountError() => Errors.Add(1);
}

internal static partial class ClientEvents
{
    /// <summary>The log category operators filter on.</summary>
    public const string LogCategory = "Orbit.Web.ClientErrors";

    public const long MaxBodyBytes = 16 * 1024;

    private static readonly ClientEventsValidator Validator = new();

    public static IEndpointRouteBuilder MapClientEvents(this IEndpointRouteBuilder api)
    {
        api.MapPost("client-events", (ClientEventsRequest request, ILoggerFactory loggers) =>
            {
                var validation = Validator.Validate(request);
                if (!validation.IsValid)
                {
                    return ApiResults.Problem(ValidationFailures.ToError(validation.Errors));
                }

                var logger = loggers.CreateLogger(LogCategory);
                foreach (var error in request.Errors ?? [])
                {
                    // Exactly the reported fields: no user, address, headers or cookies.
                    ClientErrorReported(logger, error.Message!, error.Url!, error.Stack, error.ComponentStack);
                    ClientTelemetryMetrics.CountError();
                }

                foreach (var vital in request.Vitals ?? [])
                {
                    ClientTelemetryMetrics.Record(vital);
                }

                return Results.Accepted();
            })
            .WithTags("Client telemetry")
            .WithName("ReportClientEvents")
            .WithSummary("Report browser errors and Core Web Vitals (anonymous; rate-limited per client address)")
            .WithDescription($"At most {ClientEventsValidator.MaxItems} errors and {ClientEventsValidator.MaxItems} vitals per request, " +
                $"body at most {MaxBodyBytes} bytes (413 beyond). Each error is logged at Warning (category {LogCategory}); each vital is " +
                "recorded in the histogram orbit.web.vital.<name> (seconds; CLS unitless). Nothing is stored.")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimiting.ClientEventsPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client error at {Url}: {ClientMessage} (stack: {Stack}; component stack: {ComponentStack})")]
    private static partial void ClientErrorReported(ILogger logger, string clientMessage, string url, string? stack, string? componentStack);
}

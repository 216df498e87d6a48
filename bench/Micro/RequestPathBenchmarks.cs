using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Orbit.Shared.Events;
using Orbit.Shared.Messaging;

namespace Orbit.Bench.Micro;

/// <summary>
/// The two log lines every request passes at the configured Information level (both at Debug, so neither is written):
/// the request line (RequestLoggingMiddleware) and the pipeline's success line (LoggingBehavior), as they were
/// (LoggerExtensions with an argument array) and as they are (source-generated, level checked first).
/// </summary>
[MemoryDiagnoser]
public class RequestLoggingBenchmarks
{
    private ILogger _logger = null!;
    private ILoggerFactory _factory = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddConsole());
        _logger = _factory.CreateLogger("Orbit.Host.Http.RequestLoggingMiddleware");
    }

    [GlobalCleanup]
    public void CleanUp() => _factory.Dispose();

    [Benchmark(Baseline = true)]
    public void RequestLineBefore() =>
        _logger.Log(LogLevel.Debug, "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:F1} ms", "GET", "/api/v1/tasks/{idOrKey}", 200, 1.234);

    [Benchmark]
    public void RequestLineAfter()
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Answered(_logger, LogLevel.Debug, "GET", "/api/v1/tasks/{idOrKey}", 200, 1.234);
        }
    }

    [Benchmark]
    public void PipelineLineBefore() => _logger.LogDebug("{Request} in {Module} succeeded", "GetTaskQuery", "Tasks");

    [Benchmark]
    public void PipelineLineAfter() => PipelineLog.Succeeded(_logger, "GetTaskQuery", "Tasks");

    private static readonly Action<ILogger, string, string?, int, double, Exception?> AnsweredDebug =
        LoggerMessage.Define<string, string?, int, double>(LogLevel.Debug, default, "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:F1} ms");

    // What the middleware's source-generated method does (it is internal to the host).
    private static void Answered(ILogger logger, LogLevel level, string method, string? route, int status, double ms) =>
        AnsweredDebug(logger, method, route, status, ms, null);
}

/// <summary>
/// GET by key's response body: a task serialized with the host's JSON options (reflection metadata) against the same
/// options with a source-generated context first in the resolver chain. The options carry custom converters (snake_case
/// enums, the UTC timestamp format), so the generated fast path cannot be used either way; what differs is how the
/// metadata was made.
/// </summary>
[MemoryDiagnoser]
public class TaskJsonBenchmarks
{
    private readonly TaskBody _task = new(
        Guid.CreateVersion7(), "KEYS-4711", Guid.CreateVersion7(), "Fix invoice export bug #4711", "Steps to reproduce: open the page.",
        BodyStatus.InProgress, BodyPriority.High, Guid.CreateVersion7(), ["backend", "ux"], new DateOnly(2027, 3, 1), null,
        Guid.CreateVersion7(), DateTime.UtcNow, DateTime.UtcNow, null, 3);

    private JsonSerializerOptions _reflection = null!;
    private JsonSerializerOptions _generated = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _reflection = HostOptions();
        _generated = HostOptions();
        _generated.TypeInfoResolverChain.Insert(0, TaskBodyJson.Default);
        JsonSerializer.SerializeToUtf8Bytes(_task, _reflection);
        JsonSerializer.SerializeToUtf8Bytes(_task, _generated);
    }

    private static JsonSerializerOptions HostOptions()
    {
        // As src/Host/Program.cs configures the HTTP JSON options.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new UtcTimestamp.DateTimeConverter());
        return options;
    }

    [Benchmark(Baseline = true)]
    public byte[] Reflection() => JsonSerializer.SerializeToUtf8Bytes(_task, _reflection);

    [Benchmark]
    public byte[] SourceGenerated() => JsonSerializer.SerializeToUtf8Bytes(_task, _generated);
}

public enum BodyStatus { Backlog, Todo, InProgress, InReview, Done, Cancelled }

public enum BodyPriority { None, Low, Medium, High, Urgent }

/// <summary>The shape of Tasks' TaskResponse (internal to the module).</summary>
public sealed record TaskBody(
    Guid Id, string Key, Guid ProjectId, string Title, string? Description, BodyStatus Status, BodyPriority Priority,
    Guid? AssigneeId, IReadOnlyList<string> Labels, DateOnly? DueDate, Guid? ParentId, Guid CreatedBy, DateTime CreatedAt,
    DateTime UpdatedAt, DateTime? CompletedAt, int Version);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskBody))]
internal sealed partial class TaskBodyJson : JsonSerializerContext;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orbit.Tests.Infrastructure;

/// <summary>Keeps the hosts' warnings and errors so a test that meets a 500 or a timeout can show why, not just that.</summary>
public sealed class ServerErrors : ILoggerProvider
{
    private static readonly ConcurrentQueue<string> Errors = new();

    public static string Recent() => string.Join("\n---\n", Errors.TakeLast(3));

    public ILogger CreateLogger(string categoryName) => new Collector();

    public void Dispose()
    {
    }

    private sealed class Collector : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Errors.Enqueue($"{formatter(state, exception)}\n{exception}");
            }
        }
    }
}

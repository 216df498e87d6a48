using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orbit.Host.Http;

namespace Orbit.Tests.Host;

/// <summary>
/// The safety net behind the edge checks: a value PostgreSQL refuses (a data exception, SQLSTATE class 22) is the
/// client's 400, logged as a warning, never a 500 with an error log line that input alone could multiply. The errors
/// are real ones from the test database, handed to the host's one exception handler.
/// </summary>
public sealed class DatabaseRefusalTests
{
    [TestCase("select $1::text", "a\0b", "22021", TestName = "A_nul_the_database_cannot_store_is_a_400_warning")]
    [TestCase("select $1::int", "twelve", "22P02", TestName = "A_malformed_number_the_database_cannot_read_is_a_400_warning")]
    [TestCase("select 2147483647 + $1::int", "1", "22003", TestName = "A_number_out_of_the_database_range_is_a_400_warning")]
    [TestCase("select make_date($1::int, 1, 1)", "0", "22008", TestName = "A_date_out_of_the_database_range_is_a_400_warning")]
    public async Task A_data_exception(string sql, string value, string sqlState)
    {
        var refused = await RefusalAsync(sql, value);
        Assert.That(refused.SqlState, Is.EqualTo(sqlState));
        var logs = new CapturedLogs();
        await using var services = Services(logs);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/projects";
        context.Request.Headers.Accept = "text/html";
        context.Response.Body = new MemoryStream();

        var handler = ActivatorUtilities.CreateInstance<UnhandledExceptionHandler>(services);
        Assert.That(await handler.TryHandleAsync(context, refused, CancellationToken.None), Is.True);

        context.Response.Body.Position = 0;
        var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Multiple(() =>
        {
            Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status400BadRequest));
            Assert.That(context.Response.ContentType, Does.StartWith("application/problem+json"), "a problem document even for Accept: text/html");
            Assert.That(problem.RootElement.GetProperty("code").GetString(), Is.EqualTo("request.invalid_value"));
            Assert.That(problem.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(400));
            Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Not.Contain(value), "the detail does not echo the value");
            Assert.That(logs.Levels, Has.Member(LogLevel.Warning).And.No.Member(LogLevel.Error).And.No.Member(LogLevel.Critical));
        });
    }

    private static async Task<PostgresException> RefusalAsync(string sql, string value)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.SharedDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = value } } };
        try
        {
            await command.ExecuteScalarAsync();
        }
        catch (PostgresException refused)
        {
            return refused;
        }

        Assert.Fail($"PostgreSQL accepted {sql} with '{value}'");
        throw new InvalidOperationException();
    }

    private static ServiceProvider Services(CapturedLogs logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDocuments.Complete);
        return services.BuildServiceProvider();
    }

    private sealed class CapturedLogs : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<LogLevel> _levels = new();

        public IReadOnlyCollection<LogLevel> Levels => _levels;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _levels.Enqueue(logLevel);

        public void Dispose()
        {
        }
    }
}

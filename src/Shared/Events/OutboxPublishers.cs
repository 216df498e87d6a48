using Dapper;
using Npgsql;
using Orbit.Shared.Modules;

namespace Orbit.Shared.Events;

/// <summary>
/// The modules that publish: those whose schema has an outbox table. Asked of the database once, on first use
/// (after migrations have run), by the relay and the dead-letter endpoints alike.
/// </summary>
public sealed class OutboxPublishers(NpgsqlDataSource dataSource, IEnumerable<IModule> modules)
{
    private IReadOnlyList<string>? _schemas;

    public async Task<IReadOnlyList<string>> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_schemas is not null)
        {
            return _schemas;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await connection.QueryAsync<string>(new CommandDefinition(
            "select table_schema from information_schema.tables where table_name = 'outbox_messages' and table_schema = any(@Schemas)",
            new { Schemas = modules.Select(m => m.Schema).ToArray() }, cancellationToken: cancellationToken));
        return _schemas = found.Order(StringComparer.Ordinal).ToArray();
    }
}

using Orbit.Shared.Modules;

namespace Orbit.Shared.Events;

/// <summary>
/// The modules that publish, as they declare it (<see cref="IModule.PublishesEvents"/>): the migrator gives each of
/// them the outbox tables, the relay delivers from them, the dead-letter endpoints accept their schema names.
/// </summary>
public sealed class OutboxPublishers(IEnumerable<IModule> modules)
{
    private readonly IReadOnlyList<string> _schemas = modules.Where(m => m.PublishesEvents).Select(m => m.Schema).Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<string> All => _schemas;

    public Task<IReadOnlyList<string>> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_schemas);

    public bool Contains(string schema) => _schemas.Contains(schema, StringComparer.Ordinal);
}

using System.Data;
using Npgsql;

namespace Orbit.Shared.Data;

/// <summary>
/// The request's database connection, opened on first use and shared by everything in the scope so that a command's
/// statements all run in the transaction the <see cref="Messaging.TransactionBehavior{TMessage,TResponse}"/> opened.
/// Npgsql enlists commands in the connection's open transaction by itself, so handlers only need the connection.
/// </summary>
public interface IDbSession
{
    ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default);
}

/// <summary>The unit of work: one transaction around a command.</summary>
public interface IUnitOfWork
{
    bool HasActiveTransaction { get; }

    Task BeginAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits now. Handlers call this only when a failure must still leave a trace (a counted failed sign-in, a
    /// refresh-token family revoked on reuse); the behaviour then finds nothing left to roll back.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken = default);

    Task RollbackAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="action"/> once the current transaction has committed, and never if it rolls back.
    /// For effects outside the database that must not get ahead of it, such as evicting a cache entry.
    /// </summary>
    Task AfterCommitAsync(Func<Task> action);
}

internal sealed class DbSession(NpgsqlDataSource dataSource) : IDbSession, IUnitOfWork, IAsyncDisposable, IDisposable
{
    private NpgsqlConnection? _connection;
    private bool _borrowed;
    private NpgsqlTransaction? _transaction;
    private readonly List<Func<Task>> _afterCommit = [];

    public bool HasActiveTransaction => _transaction is not null;

    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is null)
        {
            var connection = dataSource.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            _connection = connection;
        }

        return _connection;
    }

    /// <summary>
    /// Makes this scope use <paramref name="connection"/>, which its owner keeps open across scopes and disposes itself:
    /// the outbox relay's loops hold one connection each, so a round does not take one from the pool (and pay the
    /// pool's session reset) every time.
    /// </summary>
    internal void Borrow(NpgsqlConnection connection)
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("This scope already has a connection.");
        }

        _connection = connection;
        _borrowed = true;
    }

    public async Task BeginAsync(CancellationToken cancellationToken = default)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A transaction is already open in this scope; commands do not nest.");
        }

        var connection = await OpenAsync(cancellationToken);
        _transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_transaction is null)
        {
            return;
        }

        await _transaction.CommitAsync(cancellationToken);
        await _transaction.DisposeAsync();
        _transaction = null;

        var actions = _afterCommit.ToList();
        _afterCommit.Clear();
        foreach (var action in actions)
        {
            await action();
        }
    }

    public Task AfterCommitAsync(Func<Task> action)
    {
        if (_transaction is null)
        {
            // Nothing to wait for: outside a transaction every statement has already committed.
            return action();
        }

        _afterCommit.Add(action);
        return Task.CompletedTask;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (_transaction is null)
        {
            return;
        }

        _afterCommit.Clear();
        try
        {
            // A connection that broke (the database went away, the backend was terminated) has no transaction left on
            // the server to roll back, and Npgsql refuses to try: what matters then is the error that broke it.
            if (_transaction.Connection is { State: ConnectionState.Open })
            {
                // Rolling back must not be skipped because the request was aborted: use None, not the caller's token.
                await _transaction.RollbackAsync(CancellationToken.None);
            }
        }
        finally
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    // For scopes disposed synchronously; an open transaction is rolled back by closing its connection.
    public void Dispose()
    {
        _transaction?.Dispose();
        if (!_borrowed)
        {
            _connection?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_connection is not null && !_borrowed)
        {
            await _connection.DisposeAsync();
        }
    }
}

using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Contracts;
using Orbit.Shared.Caching;
using Orbit.Shared.Events;
using Orbit.Modules.Identity.Passwords;

namespace Orbit.Modules.Identity.Features.BootstrapAdmin;

/// <summary>
/// At start-up, when <c>Bootstrap:AdminEmail</c> and <c>Bootstrap:AdminPassword</c> are set and no admin exists yet,
/// makes that user an admin (creating them if needed). Once any admin exists it does nothing, so a password left in
/// configuration cannot reset an admin account later.
/// </summary>
internal sealed class BootstrapAdminService(
    NpgsqlDataSource dataSource,
    IOptions<BootstrapOptions> options,
    TimeProvider clock,
    ILogger<BootstrapAdminService> logger) : IHostedService
{
    // The advisory lock keeps two hosts starting together from both creating an admin.
    private const string LockSql = "select pg_advisory_xact_lock(hashtext('orbit.bootstrap-admin'))";

    private const string AdminExistsSql = "select exists (select 1 from identity.users where 'admin' = any(roles))";

    private const string Sql = """
        insert into identity.users (id, email, display_name, password_hash, roles, created_at, updated_at)
        select @Id, @Email, @DisplayName, @PasswordHash, array['admin'], @Now, @Now
        on conflict ((lower(email))) do update
            set roles = array['admin'], updated_at = excluded.updated_at, version = identity.users.version + 1
        returning id as Id, (xmax = 0) as Inserted
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value;
        if (!bootstrap.IsConfigured)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockSql, transaction: transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AdminExistsSql, transaction: transaction, cancellationToken: cancellationToken)))
        {
            return;
        }

        var email = bootstrap.AdminEmail!.Trim();
        var admin = await connection.QuerySingleAsync<(Guid Id, bool Inserted)>(new CommandDefinition(Sql, new
        {
            Id = Guid.CreateVersion7(now),
            Email = email,
            DisplayName = bootstrap.AdminDisplayName,
            PasswordHash = PasswordHasher.HashPassword(bootstrap.AdminPassword!),
            Now = now,
        }, transaction, cancellationToken: cancellationToken));

        // (xmax = 0) tells a fresh insert from the upsert of an existing user, who registered (and was announced) before.
        if (admin.Inserted)
        {
            await Outbox.EnqueueAsync(connection, IdentityModule.SchemaName, new UserRegistered(Guid.CreateVersion7(now), now, admin.Id, email, bootstrap.AdminDisplayName), cancellationToken);
        }

        else
        {
            // An existing user became admin: instances that cached their state must forget it (delivered on commit).
            await connection.ExecuteAsync(new CommandDefinition(
                $"select pg_notify('{CacheEvictionHub.Channel}', @Tag)", new { Tag = UserStateCache.TagOf(admin.Id) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Bootstrap admin {Email} is ready", email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

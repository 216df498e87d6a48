using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbit.Modules.Identity.Authentication;
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
        returning id
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value;
        if (string.IsNullOrWhiteSpace(bootstrap.AdminEmail) || string.IsNullOrEmpty(bootstrap.AdminPassword))
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

        var created = await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(Sql, new
        {
            Id = Guid.CreateVersion7(now),
            Email = bootstrap.AdminEmail.Trim(),
            DisplayName = bootstrap.AdminDisplayName,
            PasswordHash = PasswordHasher.HashPassword(bootstrap.AdminPassword),
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);

        if (created is not null)
        {
            logger.LogInformation("Bootstrap admin {Email} is ready", bootstrap.AdminEmail);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

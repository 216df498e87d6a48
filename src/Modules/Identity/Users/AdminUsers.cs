using Dapper;
using Npgsql;

namespace Orbit.Modules.Identity.Users;

/// <summary>What the admin user features share.</summary>
internal static class AdminUsers
{
    // Locks every active admin row: two admins demoting or disabling each other at once must not leave the system
    // with none, so the second waits for the first and then sees the result.
    private const string LockAdminsSql = """
        select id from identity.users where 'admin' = any(roles) and not is_disabled order by id for update
        """;

    /// <summary>Whether <paramref name="userId"/> is the only active admin, holding the admin rows' locks for the transaction.</summary>
    public static async Task<bool> IsLastActiveAdminAsync(NpgsqlConnection connection, Guid userId, CancellationToken cancellationToken)
    {
        var admins = (await connection.QueryAsync<Guid>(new CommandDefinition(LockAdminsSql, cancellationToken: cancellationToken))).AsList();
        return admins.Count == 1 && admins[0] == userId;
    }
}

using Dapper;
using Orbit.Modules.Identity.Contracts;
using Orbit.Shared.Data;

namespace Orbit.Modules.Identity.UserDirectory;

/// <summary>Answers <see cref="IUserDirectory"/> for other modules, so they never read the identity schema.</summary>
internal sealed class UserDirectory(IDbSession session) : IUserDirectory
{
    private const string Sql = """
        select id as Id, display_name as DisplayName, is_disabled as IsDisabled
        from identity.users
        where id = any(@Ids)
        """;

    public async Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var found = await FindManyAsync([userId], cancellationToken);
        return found.GetValueOrDefault(userId);
    }

    public async Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default)
    {
        if (userIds.Count == 0)
        {
            return new Dictionary<Guid, UserSummary>();
        }

        var connection = await session.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserSummary>(new CommandDefinition(Sql, new { Ids = userIds.Distinct().ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(u => u.Id);
    }
}

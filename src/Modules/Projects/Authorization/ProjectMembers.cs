using Dapper;
using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Data;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// Answers <see cref="IProjectMembers"/> for other modules. Not cached: it is asked rarely (a comment that mentions
/// someone), and on the caller's connection, for the reason <see cref="CachedProjectMembership"/> gives.
/// </summary>
internal sealed class ProjectMembers(IDbSession session) : IProjectMembers
{
    // Served by the primary key (project_id, user_id).
    private const string Sql = "select user_id from projects.members where project_id = @ProjectId";

    public async Task<IReadOnlyList<Guid>> ListAsync(Guid projectId, CancellationToken cancellationToken = default)
    {
        var connection = await session.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(Sql, new { ProjectId = projectId }, cancellationToken: cancellationToken))).AsList();
    }
}

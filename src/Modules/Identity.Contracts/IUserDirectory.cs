namespace Orbit.Modules.Identity.Contracts;

/// <summary>
/// What other modules may ask Identity about people: display names for members, assignees and mentions.
/// Never exposes credentials.
/// </summary>
public interface IUserDirectory
{
    Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken = default);

    /// <summary>Summaries of the given ids; ids that do not exist are simply absent from the result.</summary>
    Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default);
}

public sealed record UserSummary(Guid Id, string DisplayName, bool IsDisabled);

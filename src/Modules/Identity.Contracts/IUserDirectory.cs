namespace Orbit.Modules.Identity.Contracts;

/// <summary>
/// What other modules may ask Identity about people: display names and emails for members, assignees and mentions,
/// and finding an account by email to add it to a project. Never exposes credentials.
/// </summary>
public interface IUserDirectory
{
    Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken = default);

    /// <summary>Summaries of the given ids; ids that do not exist are simply absent from the result.</summary>
    Task<IReadOnlyDictionary<Guid, UserSummary>> FindManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default);

    /// <summary>The enabled account with this email, compared case-insensitively; <c>null</c> when there is none.</summary>
    Task<UserSummary?> FindActiveByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>
    /// The enabled users among <paramref name="userIds"/> whose display name or email contains <paramref name="text"/>
    /// (case-insensitive; blank matches everyone), ordered by display name, at most <paramref name="limit"/>. One query
    /// however many ids: the caller decides who may be found (Projects: people who share a project), Identity matches.
    /// </summary>
    Task<IReadOnlyList<UserSummary>> SearchAmongAsync(IReadOnlyCollection<Guid> userIds, string? text, int limit, CancellationToken cancellationToken = default);
}

public sealed record UserSummary(Guid Id, string DisplayName, string Email, bool IsDisabled);

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
}

public sealed record UserSummary(Guid Id, string DisplayName, string Email, bool IsDisabled);

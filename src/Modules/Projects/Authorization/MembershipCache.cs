using Orbit.Modules.Projects.Contracts;
using Orbit.Shared.Caching;

namespace Orbit.Modules.Projects.Authorization;

/// <summary>
/// Eviction of cached memberships. Every handler that changes a membership, a role or the archive state evicts the
/// project's tag: on every instance once its transaction commits (<see cref="ICacheEvictions"/>), never on rollback.
/// </summary>
internal sealed class MembershipCache(ICacheEvictions evictions)
{
    public const string TagPrefix = "project:";

    public static string TagOf(Guid projectId) => TagPrefix + projectId.ToString();

    public Task EvictAfterCommitAsync(Guid projectId) => evictions.EvictAsync(TagOf(projectId));
}

/// <summary>
/// The cached answers of <see cref="CachedProjectMembership"/>, one per (project, user), "no such project" included.
/// Kept for <see cref="Lifetime"/> at most; a change evicts them on every instance at once.
/// </summary>
internal sealed class MembershipEntries(CacheEvictionHub hub) : ICacheEvictionTarget
{
    /// <summary>A backstop only: changes made through Orbit evict at once everywhere.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public LocalCache<(Guid ProjectId, Guid UserId), ProjectMembership?> Cache { get; } = new(hub, Lifetime);

    public void Evict(string tag)
    {
        if (tag.StartsWith(MembershipCache.TagPrefix, StringComparison.Ordinal)
            && Guid.TryParse(tag.AsSpan(MembershipCache.TagPrefix.Length), out var projectId))
        {
            Cache.RemoveWhere(key => key.ProjectId == projectId);
        }
    }

    public void Reset() => Cache.Clear();
}

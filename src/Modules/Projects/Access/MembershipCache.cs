using Microsoft.Extensions.Caching.Hybrid;
using Orbit.Shared.Data;

namespace Orbit.Modules.Projects.Access;

/// <summary>
/// Keys and tags of cached memberships, and their eviction. Every handler that changes a membership, a role or the
/// archive state evicts the project's tag once its transaction has committed: this instance sees the change at once,
/// others within the cache's local lifetime (src/Host/Caching).
/// </summary>
internal sealed class MembershipCache(HybridCache cache, IUnitOfWork unitOfWork)
{
    public static string KeyOf(Guid projectId, Guid userId) => $"projects:membership:{projectId}:{userId}";

    public static string TagOf(Guid projectId) => $"project:{projectId}";

    /// <summary>After commit, never on rollback: a failed change must not make the cache reload for nothing.</summary>
    public Task EvictAfterCommitAsync(Guid projectId) =>
        unitOfWork.AfterCommitAsync(() => cache.RemoveByTagAsync(TagOf(projectId)).AsTask());
}

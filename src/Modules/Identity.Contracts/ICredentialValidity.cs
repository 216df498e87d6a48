using System.Security.Claims;

namespace Orbit.Modules.Identity.Contracts;

/// <summary>
/// Whether the credential that authenticated a request still grants access, for work that outlives the request's
/// own authentication: a Server-Sent Events stream that stays open for hours must end when its user is disabled, its
/// token revoked or expired, or its sessions ended (docs/operations.md, "Sessions and tokens").
/// </summary>
public interface ICredentialValidity
{
    /// <summary>When the credential expires (an access token's <c>exp</c>, a personal access token's expiry); null if unknown.</summary>
    DateTimeOffset? ExpiresAt(ClaimsPrincipal user);

    /// <summary>Null while the credential still grants access; otherwise why it no longer does. Cheap: one row by primary key.</summary>
    Task<SessionEnd?> CheckAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}

/// <summary>Why access ended; written in snake_case on the wire (<c>token_expired</c>...).</summary>
public enum SessionEnd
{
    /// <summary>The access token or personal access token reached its expiry: refresh or sign in again.</summary>
    TokenExpired,

    /// <summary>An admin disabled the user (or the user no longer exists).</summary>
    UserDisabled,

    /// <summary>The personal access token was revoked.</summary>
    TokenRevoked,

    /// <summary>The user's sessions were ended: sign out everywhere, a password change or an admin-forced reset.</summary>
    SignedOut,
}

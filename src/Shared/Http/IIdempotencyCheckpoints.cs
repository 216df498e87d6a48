using Microsoft.AspNetCore.Http;

namespace Orbit.Shared.Http;

/// <summary>
/// The two moments of a request with an Idempotency-Key where a crash, a lost database or a client that hangs up does
/// the most harm. The application registers no implementation; the tests register one that fails there, to prove that
/// every such failure ends with exactly one effect and a retry that gets the first answer.
/// </summary>
public interface IIdempotencyCheckpoints
{
    /// <summary>The command's writes and the stored response are in the open transaction, not yet committed.</summary>
    ValueTask BeforeCommitAsync(HttpContext context);

    /// <summary>Committed; not a byte of the response has been sent.</summary>
    ValueTask AfterCommitAsync(HttpContext context);
}

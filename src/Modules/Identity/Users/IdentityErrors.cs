using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Passwords;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Users;

/// <summary>The expected failures of the Identity module, one code each.</summary>
internal static class IdentityErrors
{
    public static readonly Error UserNotFound = Error.NotFound("identity.user_not_found", "There is no user with this id.");

    // The signed-in user's own row is gone (deleted while their token still lives).
    public static readonly Error CurrentUserNotFound = Error.NotFound("identity.user_not_found", "The user does not exist.");

    public static readonly Error LastAdmin = Error.Conflict("identity.last_admin", "This is the last active admin; make another admin first.");

    public static readonly Error CannotDisableSelf = Error.Conflict("identity.cannot_disable_self", "You cannot disable your own account.");

    public static readonly Error CannotResetSelf = Error.Conflict("identity.cannot_reset_self", "Change your own password with POST /api/v1/users/me/password.");

    public static readonly Error EmailTaken = Error.Conflict("identity.email_taken", "A user with this email already exists.");

    // One answer for unknown email and wrong password, so neither reveals which it was.
    public static readonly Error InvalidCredentials = Error.Unauthorized("identity.invalid_credentials", "The email or password is incorrect.");

    public static readonly Error UserDisabled = Error.Unauthorized("identity.user_disabled", "This account is disabled.");

    public static readonly Error PasswordChangeRequired = Error.Forbidden(
        "identity.password_change_required",
        "An administrator reset this account's password: set a new one with the temporary password (POST /api/v1/auth/reset-password), then sign in.");

    public static readonly Error WrongPassword = Error.Validation("currentPassword", "currentPassword is not your current password.");

    public static readonly Error InvalidRefreshToken = Error.Unauthorized("identity.invalid_refresh_token", "The refresh token is unknown, expired or revoked.");

    public static readonly Error RefreshTokenReused = Error.Unauthorized("identity.refresh_token_reused", "The refresh token was already used; every token of this sign-in is now revoked.");

    public static readonly Error TokenNotFound = Error.NotFound("identity.token_not_found", "You have no personal access token with this id.");

    public static readonly Error CrossOrigin = Error.Forbidden(
        "auth.cross_origin", "The Origin header names another site; browser sessions are refreshed and ended only from Orbit's own origin.");

    public static readonly Error NoSessionCookie = Error.Unauthorized(
        "identity.invalid_refresh_token", "There is no session cookie; sign in again.");

    public static readonly Error BodyTokenInCookieMode = Error.Validation(
        "refreshToken", $"refreshToken must not be sent with {BrowserSession.ClientHeader}: {BrowserSession.WebClient}; the session cookie carries it.");

    public static readonly Error PasswordHashingBusy = Error.TooManyRequests("identity.password_hashing_busy",
        "Orbit is checking too many passwords at the moment. Try again in a second.", PasswordHasher.BusyRetryAfter);

    // The detail names the wait: the web app shows it to the person signing in, who cannot see Retry-After.
    public static Error SignInThrottled(TimeSpan wait) => Error.TooManyRequests("identity.sign_in_throttled",
        $"Too many failed sign-ins for this account from your address. Try again in {ApiResults.RetryAfterSeconds(wait)} s.", wait);
}

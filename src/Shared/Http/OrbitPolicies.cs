namespace Orbit.Shared.Http;

/// <summary>Names of the host's authorization and rate-limiting policies that module endpoints refer to.</summary>
public static class OrbitPolicies
{
    /// <summary>Authorization: the caller holds the system role <c>admin</c>.</summary>
    public const string Admin = "admin";

    /// <summary>Rate limiting: sign-in, registration and token refresh, partitioned by client address.</summary>
    public const string CredentialsRateLimit = "credentials";

    /// <summary>Rate limiting: every API call, partitioned by user (or client address when anonymous).</summary>
    public const string ApiRateLimit = "api";
}

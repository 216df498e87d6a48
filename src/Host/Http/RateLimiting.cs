using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Messaging;

namespace Orbit.Host.Http;

internal sealed class FixedWindowLimit
{
    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:*:PermitLimit must be between 1 and 1000000.")]
    public int PermitLimit { get; set; }

    [Range(1, 86_400, ErrorMessage = "RateLimiting:*:WindowSeconds must be between 1 and 86400.")]
    public int WindowSeconds { get; set; } = 60;
}

internal sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Sign-in, registration, refresh: per client address (IPv6 by /64). Slows password guessing across accounts.</summary>
    [Required]
    public FixedWindowLimit Credentials { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>
    /// The same endpoints, all clients of this instance together: a ceiling that many addresses cannot get around.
    /// </summary>
    [Required]
    public FixedWindowLimit CredentialsGlobal { get; set; } = new() { PermitLimit = 1200, WindowSeconds = 60 };

    /// <summary>Every API call: per user, or per client address when anonymous.</summary>
    [Required]
    public FixedWindowLimit Api { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>Browser error and Web Vitals reports (POST /client-events): per client address, signed in or not.</summary>
    [Required]
    public FixedWindowLimit ClientEvents { get; set; } = new() { PermitLimit = 60, WindowSeconds = 60 };
}

internal static class RateLimiting
{
    /// <summary>Client telemetry (src/Host/ClientTelemetry): a host-only policy, so it is named here rather than in OrbitPolicies.</summary>
    public const string ClientEventsPolicy = "client-events";

    private static readonly System.Diagnostics.Metrics.Counter<long> Rejections = OrbitTelemetry.Meter.CreateCounter<long>(
        "orbit.rate_limit.rejections", unit: "{request}", description: "Requests rejected by a rate limit, by policy.");

    public static IServiceCollection AddOrbitRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            .ValidateDataAnnotations()
            // Data annotations do not descend into nested objects: check each window explicitly.
            .Validate(o => IsValid(o.Credentials), "RateLimiting:Credentials needs PermitLimit 1..1000000 and WindowSeconds 1..86400.")
            .Validate(o => IsValid(o.CredentialsGlobal), "RateLimiting:CredentialsGlobal needs PermitLimit 1..1000000 and WindowSeconds 1..86400.")
            .Validate(o => IsValid(o.Api), "RateLimiting:Api needs PermitLimit 1..1000000 and WindowSeconds 1..86400.")
            .Validate(o => IsValid(o.ClientEvents), "RateLimiting:ClientEvents needs PermitLimit 1..1000000 and WindowSeconds 1..86400.")
            .ValidateOnStart();

        services.AddRateLimiter(limiter =>
        {
            // Runs before the endpoint's own policy: one window shared by every caller of a credential endpoint.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsCredentialEndpoint(context)
                    ? RateLimitPartition.GetFixedWindowLimiter("credentials-global", _ =>
                        WindowOf(context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.CredentialsGlobal))
                    : RateLimitPartition.GetNoLimiter("none"));
            limiter.AddPolicy(OrbitPolicies.CredentialsRateLimit, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Credentials;
                return RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientAddress(context), _ => WindowOf(limit));
            });
            limiter.AddPolicy(OrbitPolicies.ApiRateLimit, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Api;
                var user = context.RequestServices.GetRequiredService<ICurrentUser>();
                var key = user.IsAuthenticated ? "user:" + user.Id : "ip:" + ClientAddress(context);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => WindowOf(limit));
            });
            // Per address even when signed in: the reports are anonymous, and one page's reports should not eat into
            // its user's API allowance.
            limiter.AddPolicy(ClientEventsPolicy, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.ClientEvents;
                return RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientAddress(context), _ => WindowOf(limit));
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "unknown";
                var global = context.RequestServices.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter;
                if (policy == OrbitPolicies.CredentialsRateLimit && global?.GetStatistics(context)?.CurrentAvailablePermits == 0)
                {
                    // The global window runs first; when it has nothing left, it is what refused this request.
                    policy = "credentials-global";
                }

                Rejections.Add(1, new KeyValuePair<string, object?>("orbit.rate_limit.policy", policy));
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                context.Response.Headers.RetryAfter = ApiResults.RetryAfterSeconds(retryAfter);
                await ApiResults.WriteProblemAsync(context, new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Detail = "Too many requests. Wait for the number of seconds in Retry-After.",
                });
            };
        });
        return services;
    }

    private static bool IsValid(FixedWindowLimit limit) =>
        limit is { PermitLimit: >= 1 and <= 1_000_000, WindowSeconds: >= 1 and <= 86_400 };

    private static FixedWindowRateLimiterOptions WindowOf(FixedWindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
    };

    private static bool IsCredentialEndpoint(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == OrbitPolicies.CredentialsRateLimit;

    // IPv6 clients count by /64 (ClientSource): one subscriber usually holds a whole /64.
    private static string ClientAddress(HttpContext context) => ClientSource.Of(context);
}

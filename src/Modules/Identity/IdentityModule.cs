using System.ComponentModel.DataAnnotations;
using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Modules.Identity.Authentication;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Identity.Features.BootstrapAdmin;
using Orbit.Modules.Identity.Features.SignIn;
using Orbit.Modules.Identity.Passwords;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Caching;
using Orbit.Shared.Http;
using Orbit.Shared.Modules;

namespace Orbit.Modules.Identity;

internal sealed class IdentityModule : IModule
{
    public const string SchemaName = "identity";

    public string Name => "Identity";

    public string Schema => SchemaName;

    public bool PublishesEvents => true;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.MaxDelay >= o.BaseDelay, "Identity:SignInThrottle:MaxDelay must be at least BaseDelay.")
            .ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.AdminEmail) == string.IsNullOrEmpty(o.AdminPassword),
                "Bootstrap:AdminEmail and Bootstrap:AdminPassword are set together or not at all.")
            .Validate(o => string.IsNullOrWhiteSpace(o.AdminEmail) || new EmailAddressAttribute().IsValid(o.AdminEmail),
                "Bootstrap:AdminEmail must be an email address.")
            .Validate(o => string.IsNullOrEmpty(o.AdminPassword) || o.AdminPassword.Length is >= UserRules.PasswordMinLength and <= UserRules.PasswordMaxLength,
                "Bootstrap:AdminPassword must be 12 to 128 characters.")
            .ValidateOnStart();

        services.AddValidatorsFromAssemblyContaining<IdentityModule>(includeInternalTypes: true);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<SignInMetrics>();
        services.AddScoped<SignInThrottle>();
        services.AddSingleton<SignInThrottlePruner>();
        services.AddHostedService(sp => sp.GetRequiredService<SignInThrottlePruner>());
        services.AddScoped<TokenPairIssuer>();
        services.AddScoped<IUserDirectory, UserDirectory.UserDirectory>();
        services.AddScoped<ICredentialValidity, CredentialValidity>();
        services.AddSingleton<UserStateCache>();
        services.AddSingleton<ICacheEvictionTarget>(sp => sp.GetRequiredService<UserStateCache>());
        services.AddIdentityAuthentication();
        services.AddHostedService<BootstrapAdminService>();
    }

    public void MapEndpoints(IEndpointRouteBuilder api) => api.MapEndpointsOf(typeof(IdentityModule).Assembly);
}

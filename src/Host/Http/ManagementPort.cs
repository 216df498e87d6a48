using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Orbit.Shared.Http;

namespace Orbit.Host.Http;

internal sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>
    /// When set, <c>/metrics</c> and <c>/health/*</c> are served only on this port (on every interface) and nothing
    /// else is: operators expose the API port and keep this one to the scraper and the orchestrator's probes.
    /// </summary>
    [Range(1, 65_535, ErrorMessage = "Management:Port must be between 1 and 65535.")]
    public int? Port { get; set; }
}

/// <summary>
/// The management port. The split is made on the port the connection arrived on, not on the Host header
/// (<c>RequireHost</c> would match a Host header any client can write).
/// </summary>
internal static class ManagementPort
{
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var port = builder.Configuration.GetValue<int?>($"{ManagementOptions.Section}:Port");
        if (port is > 0 and <= 65_535)
        {
            builder.WebHost.UseUrls(UrlsWith(builder.Configuration["urls"], builder.Configuration["http_ports"], port.Value));
        }

        return builder;
    }

    /// <summary>
    /// The addresses Kestrel would listen on anyway (<c>--urls</c>/<c>ASPNETCORE_URLS</c>, else
    /// <c>ASPNETCORE_HTTP_PORTS</c>, else Kestrel's default), plus the management port.
    /// </summary>
    public static string[] UrlsWith(string? urls, string? httpPorts, int managementPort)
    {
        var main = !string.IsNullOrWhiteSpace(urls)
            ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : !string.IsNullOrWhiteSpace(httpPorts)
                ? httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}").ToArray()
                : ["http://localhost:5000"];
        return [.. main, $"http://*:{managementPort}"];
    }

    public static bool IsManagementPath(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>With a management port, management paths answer only there and everything else only elsewhere: 404 otherwise.</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        var port = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ManagementOptions>>().Value.Port;
        if (port is null)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            if (IsManagementPath(context.Request.Path) == (context.Connection.LocalPort == port))
            {
                await next(context);
                return;
            }

            await ApiResults.WriteProblemAsync(context, new ProblemDetails { Status = StatusCodes.Status404NotFound });
        });
    }
}

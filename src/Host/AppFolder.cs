namespace Orbit.Host;

/// <summary>
/// Where settings (<c>appsettings*.json</c>) and the web app are read from. The default is the current directory, so a
/// host started from anywhere but its own folder silently ran without its settings: every request logged at
/// Information (half the throughput) and none of the operator's configuration. The app's folder is used instead
/// whenever the current directory holds no settings and no content root was asked for.
/// </summary>
internal static class AppFolder
{
    public static string? ContentRoot(string[] args)
    {
        var asked = args.Any(arg => arg.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return asked || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory;
    }
}

namespace Orbit.Host.Http;

internal static class ContainerHealthCheck
{
    /// <summary><c>Orbit.Host healthcheck [url]</c>: exit 0 when <c>/health/live</c> answers 200.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.SkipWhile(a => a != "healthcheck").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:8080/health/live";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException)
        {
            return 1;
        }
        catch (TaskCanceledException)
        {
            return 1;
        }
    }
}

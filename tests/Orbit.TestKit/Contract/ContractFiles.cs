using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Contract;

/// <summary>Where the checked-in contract lives, and the live document in the form it is checked in.</summary>
public static class ContractFiles
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        // Keep quotes, "<" and non-ASCII readable in review rather than \u0022-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string RepositoryRoot { get; } = FindRoot();

    public static string OpenApiFolder => Path.Combine(RepositoryRoot, "docs", "openapi");

    public static string SnapshotPath => Path.Combine(OpenApiFolder, "v1.json");

    /// <summary>The live document, pretty-printed with 2 spaces and a trailing newline, as it is checked in.</summary>
    public static async Task<string> LiveDocumentTextAsync()
    {
        using var client = TestPostgres.Api.CreateClient();
        var live = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        return Format(JsonNode.Parse(live)!);
    }

    public static string Format(JsonNode document) => document.ToJsonString(Pretty).ReplaceLineEndings("\n") + "\n";

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "App.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No App.sln above {AppContext.BaseDirectory}: the tests must run from the repository.");
    }
}

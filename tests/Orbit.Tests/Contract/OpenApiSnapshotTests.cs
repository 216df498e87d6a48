using System.Text.Json.Nodes;

namespace Orbit.Tests.Contract;

/// <summary>
/// The published contract is checked in (docs/openapi/v1.json) so that a contract change shows up in review and the
/// web client can be generated from it. Run with ORBIT_UPDATE_OPENAPI_SNAPSHOT=1 to accept the live document.
/// </summary>
public sealed class OpenApiSnapshotTests
{
    private const string UpdateVariable = "ORBIT_UPDATE_OPENAPI_SNAPSHOT";

    [Test]
    public async Task The_live_openapi_document_equals_the_checked_in_snapshot()
    {
        var live = await ContractFiles.LiveDocumentTextAsync();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(ContractFiles.SnapshotPath, live);
            Assert.Pass($"Rewrote {ContractFiles.SnapshotPath}.");
        }

        Assert.That(File.Exists(ContractFiles.SnapshotPath), Is.True,
            $"{ContractFiles.SnapshotPath} is missing: run the tests once with {UpdateVariable}=1 and commit it.");
        var snapshot = await File.ReadAllTextAsync(ContractFiles.SnapshotPath);
        if (snapshot == live)
        {
            return;
        }

        var differences = new List<string>();
        Compare(JsonNode.Parse(snapshot), JsonNode.Parse(live), "#", differences);
        var summary = differences.Count == 0
            ? "Only the formatting differs (2-space indent, trailing newline)."
            : string.Join("\n", differences.Take(40)) + (differences.Count > 40 ? $"\n... and {differences.Count - 40} more" : "");
        Assert.Fail($"The live OpenAPI document differs from docs/openapi/v1.json ({differences.Count} differences). " +
            $"If the change is intended, run the tests with {UpdateVariable}=1, regenerate the web client (npm run generate:api) and commit both.\n{summary}");
    }

    /// <summary>A readable list of what differs, as JSON pointers: added, removed or changed.</summary>
    private static void Compare(JsonNode? expected, JsonNode? actual, string pointer, List<string> differences)
    {
        switch (expected, actual)
        {
            case (JsonObject before, JsonObject after):
                foreach (var (name, value) in before)
                {
                    var child = $"{pointer}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";
                    if (!after.ContainsKey(name))
                    {
                        differences.Add($"- removed {child}");
                    }
                    else
                    {
                        Compare(value, after[name], child, differences);
                    }
                }

                differences.AddRange(after.Where(p => !before.ContainsKey(p.Key))
                    .Select(p => $"+ added   {pointer}/{p.Key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}"));
                break;
            case (JsonArray before, JsonArray after) when before.Count == after.Count:
                for (var i = 0; i < before.Count; i++)
                {
                    Compare(before[i], after[i], $"{pointer}/{i}", differences);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"~ changed {pointer}: {Shorten(expected)} -> {Shorten(actual)}");
                }

                break;
        }
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}

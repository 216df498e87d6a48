using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Contract;

/// <summary>
/// Every operation of the live OpenAPI document gets malformed, mistyped, oversized and hostile input, without
/// credentials, with a signed-in member who owns a real project, task, comment and webhook (so path ids can be
/// valid), as an admin and with garbage credentials. No answer may be a 5xx, and every 4xx must be a problem
/// document. The answers also go through the contract check like every other test's.
/// CI runs a bounded number of cases with a fixed seed; <c>ORBIT_FUZZ_CASES</c> and <c>ORBIT_FUZZ_SEED</c> ask for a
/// larger or different run.
/// </summary>
public sealed class FuzzTests
{
    private const int DefaultCases = 800;
    private const int DefaultSeed = 20261202;

    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task No_input_to_any_operation_gets_a_5xx_or_a_4xx_that_is_not_a_problem_document()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("ORBIT_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : DefaultCases;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ORBIT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var world = await FuzzWorld.CreateAsync(Api);
        using var documentClient = Api.CreateClient();
        var document = JsonNode.Parse(await documentClient.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
        var operations = FuzzOperation.AllOf(document);
        var random = new Random(seed);
        var generator = new FuzzCaseGenerator(random, world.Ids) { Components = document["components"]!["schemas"]!.AsObject() };
        using var client = Api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var findings = new List<Finding>();
        var statuses = new SortedDictionary<int, int>();
        var firstOfKind = new HashSet<string>();
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var spent = new Dictionary<string, TimeSpan>();
        for (var number = 0; number < cases; number++)
        {
            // Every operation in turn, so even a small run covers the whole document.
            var operation = operations[number % operations.Count];
            var auth = PickAuth(random, operation);
            var fuzz = generator.Next(number, operation, auth);
            using var request = fuzz.ToRequest();
            if (world.TokenFor(auth) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var started = clock.Elapsed;
            var finding = await SendAsync(client, request, fuzz, statuses);
            spent[operation.Name] = spent.GetValueOrDefault(operation.Name) + (clock.Elapsed - started);
            byKind[fuzz.Kind] = byKind.GetValueOrDefault(fuzz.Kind) + 1;
            if (finding is not null)
            {
                findings.Add(finding);
                if (firstOfKind.Add(finding.Key))
                {
                    TestContext.Out.WriteLine(finding);
                }
            }
        }

        TestContext.Out.WriteLine($"{cases} cases over {operations.Count} operations, seed {seed}, {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", statuses.Select(p => $"{p.Key}×{p.Value}")) + "\nby kind: " + string.Join(", ", byKind.Select(p => $"{p.Key}×{p.Value}")) +
            "\nslowest: " + string.Join(", ", spent.OrderByDescending(p => p.Value).Take(6).Select(p => $"{p.Key} {p.Value.TotalSeconds:F1} s")));
        var summary = findings.GroupBy(f => f.Key).Select(g => $"{g.Count()}× {g.Key}");
        Assert.That(findings, Is.Empty,
            $"{findings.Count} of {cases} cases (seed {seed}) got a 5xx or a 4xx that is not a problem document:\n" +
            string.Join("\n", summary.Take(60)) + "\nFirst cases:\n" + string.Join("\n", findings.Take(25)));
    }

    private static string PickAuth(Random random, FuzzOperation operation)
    {
        var admin = operation.Template.Contains("/admin/", StringComparison.Ordinal);
        var roll = random.Next(10);
        return roll switch
        {
            < 2 => "none",
            < 3 => "garbage",
            < 5 => admin ? "admin" : "member",
            _ => admin ? (roll < 8 ? "admin" : "member") : (roll < 9 ? "member" : "admin"),
        };
    }

    /// <summary>A case whose answer broke the rule; <see cref="Key"/> groups the same fault of one operation.</summary>
    private sealed record Finding(FuzzCase Case, string Outcome, string Detail)
    {
        public string Key => $"{Case.Operation.Name} {Case.Kind} → {Outcome}";

        public override string ToString() => $"{Case} → {Outcome}: {Detail}";
    }

    private static async Task<Finding?> SendAsync(HttpClient client, HttpRequestMessage request, FuzzCase fuzz, SortedDictionary<int, int> statuses)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new Finding(fuzz, "threw " + exception.GetType().Name, exception.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status < 400)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                return new Finding(fuzz, status.ToString(CultureInfo.InvariantCulture), Shorten(body));
            }

            return ProblemFault(response, body, status) is { } fault ? new Finding(fuzz, $"{status} {fault}", Shorten(body)) : null;
        }
    }

    private static string? ProblemFault(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"not a problem document (content type {response.Content.Headers.ContentType?.MediaType ?? "none"})";
        }

        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var complete = problem.ValueKind == JsonValueKind.Object
                && problem.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                && problem.TryGetProperty("status", out var statusMember) && statusMember.TryGetInt32(out var value) && value == status;
            return complete ? null : "a problem document without type, title or the status";
        }
        catch (JsonException)
        {
            return "a problem document that is not JSON";
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>The fuzzer's own data: a member who owns a project with a task, a comment, a webhook and a token.</summary>
    private sealed record FuzzWorld(Dictionary<string, string> Ids, string MemberToken, string AdminToken)
    {
        public static async Task<FuzzWorld> CreateAsync(OrbitApi api)
        {
            var member = await api.RegisterAsync("Fuzz Member");
            var victim = await api.RegisterAsync("Fuzz Victim");
            var memberToken = (await member.SignInAsync()).AccessToken;
            var adminToken = (await api.SignInAsync(OrbitApi.AdminEmail, OrbitApi.AdminPassword)).AccessToken;
            using var client = api.CreateClient(memberToken);
            var project = await ProjectScenarios.CreateProjectAsync(client);
            var task = await PostAsync(client, $"/api/v1/projects/{project.Id}/tasks", new { title = "Fuzzed task", labels = new[] { "fuzz" } });
            var comment = await PostAsync(client, $"/api/v1/tasks/{task.GetProperty("id")}/comments", new { body = "Fuzzed comment" });
            var webhook = await PostAsync(client, $"/api/v1/projects/{project.Id}/webhooks", new { url = "http://127.0.0.1:9/fuzz", events = new[] { "*" } });
            var token = await PostAsync(client, "/api/v1/users/me/tokens", new { name = "fuzz token" });
            var ids = new Dictionary<string, string>
            {
                ["projectId"] = project.Id.ToString(),
                ["taskId"] = task.GetProperty("id").GetString()!,
                ["taskKey"] = task.GetProperty("key").GetString()!,
                ["commentId"] = comment.GetProperty("id").GetString()!,
                ["webhookId"] = webhook.GetProperty("id").GetString()!,
                ["tokenId"] = token.GetProperty("id").GetString()!,
                ["userId"] = member.Id.ToString(),
                ["victimId"] = victim.Id.ToString(),
            };
            return new FuzzWorld(ids, memberToken, adminToken);
        }

        public string? TokenFor(string auth) => auth switch
        {
            "member" => MemberToken,
            "admin" => AdminToken,
            _ => null,
        };

        private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body)
        {
            using var response = await client.PostAsJsonAsync(url, body);
            await Expect.Status(response, System.Net.HttpStatusCode.Created);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Orbit.Tests.Contract;

/// <summary>
/// Sits in every test client (see <c>OrbitApi.CreateClient</c>) and checks each answer against the live OpenAPI
/// document: the operation exists for the method and route, the status is documented, the content type is
/// documented, the body validates against the schema, and the contract's headers that are present are declared
/// (and those declared required are present). Violations are recorded against the running test and fail it
/// (<see cref="ContractCheckAttribute"/>).
/// </summary>
public sealed class ContractCheckingHandler(Func<HttpClient> documentClient) : DelegatingHandler
{
    /// <summary>
    /// What is not checked, and why: listed here, nowhere else. A request that lands in one of these is recorded as
    /// unchecked rather than passed silently.
    /// </summary>
    public static readonly IReadOnlyList<(string What, string Why)> Unchecked =
    [
        ("paths outside /api/ (/health, /openapi, /metrics, /scalar)", "operational endpoints, not part of the API contract"),
        ("405 for a method the path does not have", "OpenAPI describes operations that exist; it has no place for a method that does not"),
        ("404 for a URL that matches no route", "no operation exists to attach the answer to; the problem shape is the same ProblemDetails"),
        ("text/event-stream bodies", "a stream has no JSON schema: only the status and content type are checked"),
    ];

    private static readonly string[] ContractHeaders = ["ETag", "Location", "Link", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate"];
    private static readonly SemaphoreSlim Loading = new(1, 1);
    private static LiveContract? _contract;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return response;
        }

        var contract = await ContractAsync();
        var violations = await contract.CheckAsync(request.Method, path, response);
        foreach (var violation in violations)
        {
            ContractViolations.Record($"{request.Method} {path} -> {(int)response.StatusCode}: {violation}");
        }

        return response;
    }

    private async Task<LiveContract> ContractAsync()
    {
        if (_contract is not null)
        {
            return _contract;
        }

        await Loading.WaitAsync();
        try
        {
            using var client = documentClient();
            _contract ??= new LiveContract(JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject());
            return _contract;
        }
        finally
        {
            Loading.Release();
        }
    }

    private sealed class LiveContract
    {
        private readonly JsonObject _document;
        private readonly string _definitions;
        private readonly JsonObject _headers;
        private readonly List<(Regex Pattern, int Literals, JsonObject Item)> _paths = [];
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

        public LiveContract(JsonObject document)
        {
            _document = document;
            // Component schemas become $defs of every schema built here, so #/components/schemas refs resolve offline.
            _definitions = document["components"]?["schemas"]?.ToJsonString() ?? "{}";
            _headers = document["components"]?["headers"]?.AsObject() ?? [];
            foreach (var (template, item) in document["paths"]!.AsObject())
            {
                var segments = template.Split('/');
                var pattern = "^" + string.Join("/", segments.Select(s => s.StartsWith('{') ? "[^/]+" : Regex.Escape(s))) + "$";
                _paths.Add((new Regex(pattern, RegexOptions.CultureInvariant), segments.Count(s => !s.StartsWith('{')), item!.AsObject()));
            }
        }

        public async Task<List<string>> CheckAsync(HttpMethod method, string path, HttpResponseMessage response)
        {
            var violations = new List<string>();
            var candidates = _paths.Where(p => p.Pattern.IsMatch(path)).OrderByDescending(p => p.Literals).ToList();
            var status = (int)response.StatusCode;
            if (candidates.Count == 0)
            {
                if (status != 404)
                {
                    violations.Add("no documented path matches");
                }

                return violations;
            }

            var operation = candidates.Select(c => c.Item[method.Method.ToLowerInvariant()]).FirstOrDefault(o => o is not null)?.AsObject();
            if (operation is null)
            {
                if (status != 405)
                {
                    violations.Add($"no documented {method} operation on this path");
                }

                return violations;
            }

            var responses = operation["responses"]!.AsObject();
            var documented = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
            if (documented is null)
            {
                violations.Add($"status {status} is not documented for {operation["operationId"]} (documented: {string.Join(", ", responses.Select(r => r.Key))})");
                return violations;
            }

            CheckHeaders(documented.AsObject(), response, violations);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var content = documented["content"]?.AsObject();
            if (mediaType is null)
            {
                if (response.Content.Headers.ContentLength > 0)
                {
                    violations.Add("a body without Content-Type");
                }

                return violations;
            }

            if (content is null || !content.TryGetPropertyValue(mediaType, out var media))
            {
                violations.Add($"content type {mediaType} is not documented (documented: {(content is null ? "none" : string.Join(", ", content.Select(c => c.Key)))})");
                return violations;
            }

            if (mediaType == "text/event-stream" || media?["schema"] is not { } schemaNode)
            {
                return violations;
            }

            var body = await response.Content.ReadAsStringAsync();
            JsonDocument instance;
            try
            {
                instance = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                violations.Add("the body is not JSON");
                return violations;
            }

            using (instance)
            {
                var key = $"{operation["operationId"]}|{status}|{mediaType}";
                var schema = _schemas.GetOrAdd(key, _ => OpenApiJsonSchema.Compile(schemaNode.ToJsonString(), _definitions));
                var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (!result.IsValid)
                {
                    var errors = (result.Details ?? [])
                        .Where(d => d.Errors is { Count: > 0 })
                        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
                        .Take(8);
                    violations.Add($"the body does not match the schema: {string.Join("; ", errors)}; body: {Shorten(body)}");
                }
            }

            return violations;
        }

        private void CheckHeaders(JsonObject documented, HttpResponseMessage response, List<string> violations)
        {
            var declared = documented["headers"]?.AsObject() ?? [];
            foreach (var name in ContractHeaders)
            {
                var present = response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name);
                var declaration = declared.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                if (present && declaration.Key is null)
                {
                    violations.Add($"header {name} is sent but not declared");
                }

                var header = declaration.Value?["$ref"]?.GetValue<string>() is { } reference
                    ? _headers[reference.Split('/')[^1]]
                    : declaration.Value;
                if (!present && header?["required"]?.GetValue<bool>() == true)
                {
                    violations.Add($"header {name} is declared required but missing");
                }
            }
        }

        private static string Shorten(string body) => body.Length <= 600 ? body : body[..600] + "...";
    }
}

/// <summary>Contract violations seen by the checking handler, by the test that caused them.</summary>
public static class ContractViolations
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> ByTest = new();

    public static void Record(string violation) =>
        ByTest.GetOrAdd(TestContext.CurrentContext.Test.FullName ?? "(outside a test)", _ => new()).Enqueue(violation);

    public static IReadOnlyList<string> Take(string test) =>
        ByTest.TryRemove(test, out var violations) ? [.. violations] : [];
}

/// <summary>Fails every test that received an answer the OpenAPI document does not describe.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ContractCheckAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(NUnit.Framework.Interfaces.ITest test)
    {
    }

    public void AfterTest(NUnit.Framework.Interfaces.ITest test)
    {
        var violations = ContractViolations.Take(test.FullName);
        if (violations.Count > 0)
        {
            Assert.Fail($"{violations.Count} answer(s) do not match the OpenAPI document:\n" + string.Join("\n", violations.Distinct().Take(20)));
        }
    }
}

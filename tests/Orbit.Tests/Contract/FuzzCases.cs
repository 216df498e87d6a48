using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orbit.Tests.Contract;

/// <summary>One operation of the OpenAPI document, as the fuzzer needs it.</summary>
public sealed record FuzzOperation(
    string Method,
    string Template,
    IReadOnlyList<FuzzParameter> Parameters,
    IReadOnlyList<string> BodyMediaTypes,
    JsonObject? BodySchema)
{
    public string Name => $"{Method} {Template}";

    public bool IsEventStream { get; init; }

    /// <summary>Reads every operation of the document, with $refs of parameters and bodies resolved.</summary>
    public static IReadOnlyList<FuzzOperation> AllOf(JsonObject document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        var parameters = document["components"]?["parameters"]?.AsObject() ?? [];
        JsonObject Resolve(JsonNode node, JsonObject components) =>
            node["$ref"]?.GetValue<string>() is { } reference ? components[reference.Split('/')[^1]]!.AsObject() : node.AsObject();

        var operations = new List<FuzzOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                if (method is not ("get" or "post" or "put" or "patch" or "delete"))
                {
                    continue;
                }

                var operation = operationNode!.AsObject();
                var declared = (operation["parameters"]?.AsArray() ?? [])
                    .Select(p => Resolve(p!, parameters))
                    .Select(p => new FuzzParameter(p["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["schema"]?.AsObject() ?? []))
                    .ToList();
                var content = operation["requestBody"]?["content"]?.AsObject();
                var bodySchema = content?.Select(c => c.Value?["schema"]).FirstOrDefault(s => s is not null) is { } schema
                    ? Unwrap(Resolve(schema, schemas), schemas)
                    : null;
                var eventStream = operation["responses"]?["200"]?["content"]?.AsObject().ContainsKey("text/event-stream") == true;
                operations.Add(new FuzzOperation(method.ToUpperInvariant(), template, declared, content?.Select(c => c.Key).ToList() ?? [], bodySchema)
                {
                    IsEventStream = eventStream,
                });
            }
        }

        return operations;
    }

    // A body that may be null (oneOf null | object) is fuzzed as the object.
    private static JsonObject Unwrap(JsonObject schema, JsonObject schemas) =>
        schema["oneOf"]?.AsArray().Select(s => s!).FirstOrDefault(s => s["$ref"] is not null) is { } reference
            ? schemas[reference["$ref"]!.GetValue<string>().Split('/')[^1]]!.AsObject()
            : schema;
}

public sealed record FuzzParameter(string Name, string In, JsonObject Schema);

/// <summary>A request to send, and what made it hostile (for the report).</summary>
public sealed record FuzzCase(int Number, FuzzOperation Operation, string Kind, string What, string Auth, string Url, string? ContentType, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Operation.Method), new Uri(Url, UriKind.Relative));
        if (Body is not null)
        {
            var content = new ByteArrayContent(Body);
            content.Headers.Remove("Content-Type");
            if (ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            request.Content = content;
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : " body: " + Shorten(Printable(Body));
        return $"#{Number} {Operation.Method} {Shorten(Url)} [{Kind}: {What}] auth={Auth}{(ContentType is null ? "" : " content-type=" + ContentType)}{body}";
    }

    private static string Printable(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(400))
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return text.ToString();
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"...({text.Length} chars)";
}

/// <summary>
/// Makes hostile requests from the document: each case starts from a request that would be valid (real ids of the
/// fuzzer's own project, task, comment, webhook, token and users; bodies built from the schemas) and spoils one
/// thing about it: the body, a path value, a query value, a header or the credentials.
/// </summary>
public sealed class FuzzCaseGenerator(Random random, IReadOnlyDictionary<string, string> validIds)
{
    private const string Marker = "__fuzz_marker__";

    // JSON texts (complete values) that go where a valid value was.
    private static readonly string[] NulStrings = ["\"\\u0000\"", "\"fuzz\\u0000value\"", "\"\\u0000\\u0000\\u0000\""];
    private static readonly string[] LoneSurrogates = ["\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud800\\u0041\"", "\"\\udbff\"", "\"\\udfff\\ud800\""];
    private static readonly string[] WrongTypes = ["42", "-1", "true", "false", "null", "[]", "{}", "[1,2,3]", "{\"a\":1}", "\"text\"", "1.5", "[null]", "[{}]", "[[\"x\"]]"];
    private static readonly string[] ExtremeNumbers =
    [
        "1e308", "-1e308", "1e400", "-1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483648", "-2147483649", "99999999999999999999999999999999", "0", "-0", "-1", "1E-400", "0.000000000000000000001", "4.9e-324",
    ];
    private static readonly string[] OddStrings =
    [
        "\"\"", "\" \"", "\"\\t\\r\\n\"", "\"\\u0001\\u001f\\u007f\"", "\"\\u202e\\u200b\\ufeff\"", "\"\\uffff\\ufffe\"", "\"😀🏳️‍🌈\"",
        "\"' or 1=1 --\"", "\"%00\"", "\"\\\\x00\"", "\"<script>alert(1)</script>\"", "\"${jndi:ldap://x}\"", "\"../../etc/passwd\"",
        "\"0001-01-01\"", "\"9999-12-31\"", "\"10000-01-01\"", "\"-infinity\"", "\"infinity\"", "\"2024-02-30\"", "\"0000-00-00\"",
        "\"0001-01-01T00:00:00+14:00\"", "\"9999-12-31T23:59:59.9999999-14:00\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
        "\"294277-01-01T00:00:00Z\"", "\"-4713-01-01\"", "\"00000000-0000-0000-0000-000000000000\"", "\"ffffffff-ffff-ffff-ffff-ffffffffffff\"",
        "\"http://[::1]/\"", "\"javascript:alert(1)\"", "\"http://\"", "\"file:///etc/passwd\"", "\"*\"", "\"admin\"", "\"ADMIN\"",
    ];

    // Raw bytes inside a JSON string: invalid UTF-8 that System.Text.Json cannot turn into a .NET string.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xC1, 0xBF],
    ];

    private static readonly string[] MalformedBodies =
    [
        "", " ", "{", "}", "[", "{\"a\":}", "nul", "{\"a\": 1,}", "{'a':'b'}", "{\"a\"}", "{\"a\":1}}", "{\"a\":1}garbage", "{\"a\":1}{\"b\":2}",
        "{\"a\":\"unterminated}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}",
        "/* comment */ {}", "{\"a\":1 // comment\n}", "\u0000", "{\"\\u0000\":1}", "{\"\\ud800\":1}",
    ];

    private static readonly string[] NotObjects = ["[]", "\"text\"", "42", "null", "true", "[{}]", "\"\\u0000\""];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
        "application/json; charset=latin1", "application/merge-patch+json", "application/*", "*/*", "application/json-patch+json", "json", ";;;", "",
    ];

    // Path and query values, already percent-encoded as they go on the wire.
    private static readonly string[] HostileUrlValues =
    [
        "%00", "a%00b", "%00%00", "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%F0%9F%98%80", "%E2%80%AE", "%EF%BF%BF", "%0A", "%0D%0A", "%09", "%20",
        "-1", "0", "1.5", "1e9", "99999999999999999999", "2147483648", "-2147483649", "null", "undefined", "true", "%2F", "%27%20or%201%3D1--",
        "%7B%7D", "%5B%5D", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "ABC-0", "ABC-99999999999", "ZZZZZZZZZZ-9999999999",
        "a-1", "%C3%A9%C3%A9-1", "0001-01-01", "9999-12-31", "10000-01-01", "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "-infinity",
        "2024-13-45", "AAAA", "!!!", "%3D%3D%3D", "eyJ4IjoxfQ", "WzEsMiwzXQ", "WyIwMDAxLTAxLTAxVDAwOjAwOjAwWiIsIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd",
        "WyI5OTk5LTEyLTMxVDIzOjU5OjU5Ljk5OTk5OTlaIiw5OTk5OTk5OTk5OTk5XQ", "bnVsbA", "IlxcdTAwMDAi", "W251bGwsbnVsbF0", "e30",
    ];

    // Text PostgreSQL cannot store, or that is not UTF-8 at all, percent-encoded.
    private static readonly string[] HostileUrlText = ["%00", "a%00b", "%00%00", "fuzz%00", "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%F8%88%80%80%80", "%E2%82"];

    // Not in a path: a NUL, which the server's request-line parser refuses before the application sees the request
    // (Kestrel answers 400; the test host's client throws), and dot segments, which the client resolves away (the
    // request would go to another operation: /members/.. is the project itself).
    private static readonly string[] HostilePathValues = [.. HostileUrlValues.Where(v => !v.Contains("%00", StringComparison.Ordinal)), "a.b", "~"];

    private static readonly string[] HostileTokens =
    [
        "", "x", "Bearer", "orbit_pat_", "orbit_pat_%00", "orbit_pat_\u00e9", "orbit_rt_abc", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ.c2lnbmF0dXJl", "a.b.c", "...",
    ];

    public FuzzCase Next(int number, FuzzOperation operation, string auth)
    {
        var pathValues = operation.Parameters.Where(p => p.In == "path").ToDictionary(p => p.Name, p => Uri.EscapeDataString(ValidPathValue(operation, p.Name)));
        var query = new List<(string Name, string Value)>();
        var headers = new List<(string Name, string Value)>();
        byte[]? body = null;
        string? contentType = null;
        if (operation.BodySchema is not null)
        {
            contentType = operation.BodyMediaTypes.Count > 0 ? operation.BodyMediaTypes[0] : "application/json";
            body = Encoding.UTF8.GetBytes(ValidValue(operation.BodySchema, "").ToJsonString());
        }

        foreach (var parameter in operation.Parameters.Where(p => p.In == "query" && random.Next(4) == 0))
        {
            query.Add((parameter.Name, Uri.EscapeDataString(ValidScalar(parameter.Schema, parameter.Name))));
        }

        // Every case spoils something, bodies most often (they carry the most text); a deletion always spoils its path, so
        // the fuzzer's own data survives the run.
        var choices = new List<(string Target, int Weight)> { ("undeclared", 2) };
        if (operation.BodySchema is not null)
        {
            choices.Add(("body", 14));
        }

        if (pathValues.Count > 0)
        {
            choices.Add(("path", 3));
        }

        if (operation.Parameters.Any(p => p.In == "query"))
        {
            choices.Add(("query", 6));
        }

        if (operation.Parameters.Any(p => p.In == "header"))
        {
            choices.Add(("header", 1));
        }

        var target = operation.Method == "DELETE" && pathValues.Count > 0 ? "path" : Weighted(choices);
        string kind;
        string what;
        switch (target)
        {
            case "body":
                (kind, what, body, contentType) = SpoilBody(operation, body!, contentType!);
                break;
            case "path":
                var name = Pick(pathValues.Keys.ToList());
                var value = random.Next(12) == 0 ? new string('9', random.Next(300, 9000)) : Pick(HostilePathValues);
                pathValues[name] = value;
                (kind, what) = ("path", $"{name}={Shorten(value)}");
                break;
            case "query":
                var parameter = Pick(operation.Parameters.Where(p => p.In == "query").ToList());
                var hostile = random.Next(10) switch
                {
                    0 => new string('q', random.Next(200, 20000)),
                    < 5 => Pick(HostileUrlText),
                    _ => Pick(HostileUrlValues),
                };
                query.RemoveAll(q => q.Name == parameter.Name);
                query.Add((parameter.Name, hostile));
                if (random.Next(5) == 0)
                {
                    query.Add((parameter.Name, Pick(HostileUrlValues)));
                }

                (kind, what) = ("query", $"{parameter.Name}={Shorten(hostile)}");
                break;
            case "header":
                var header = Pick(operation.Parameters.Where(p => p.In == "header").ToList());
                var headerValue = HostileHeaderValue(header.Name);
                headers.Add((header.Name, headerValue));
                (kind, what) = ("header", $"{header.Name}: {Shorten(headerValue)}");
                break;
            default:
                (kind, what) = SpoilUndeclared(query, headers);
                break;
        }

        if (auth == "garbage")
        {
            var token = Pick(HostileTokens);
            headers.Add(("Authorization", random.Next(4) == 0 ? token : "Bearer " + token));
        }

        var url = operation.Template;
        foreach (var (name, value) in pathValues)
        {
            url = url.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        if (query.Count > 0)
        {
            url += "?" + string.Join("&", query.Select(q => q.Name + "=" + q.Value));
        }

        return new FuzzCase(number, operation, kind, what, auth, url, contentType, body, headers);
    }

    // Which spoiler (the cases of SpoilBody) how often: text that PostgreSQL or .NET cannot take comes up most.
    private static readonly List<(int Spoiler, int Weight)> BodySpoilers =
    [
        (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 1),
        (9, 4), (10, 3), (11, 3), (12, 2), (13, 2), (14, 1), (15, 1), (16, 2),
    ];

    private (string Kind, string What, byte[]? Body, string? ContentType) SpoilBody(FuzzOperation operation, byte[] valid, string contentType)
    {
        var choice = Weighted(BodySpoilers);
        switch (choice)
        {
            case 0:
                return ("body.malformed", "", Encoding.UTF8.GetBytes(Pick(MalformedBodies)), contentType);
            case 1:
                return ("body.not-object", "", Encoding.UTF8.GetBytes(Pick(NotObjects)), contentType);
            case 2:
                return ("body.content-type", "", valid, random.Next(6) == 0 ? null : Pick(ContentTypes));
            case 3:
                return ("body.deep-nesting", "", Encoding.UTF8.GetBytes(DeepNesting(random.Next(2) == 0 ? 65 : 5000)), contentType);
            case 4:
                return ("body.oversized", "", Encoding.UTF8.GetBytes($$"""{"x": "{{new string('x', (1024 * 1024) + 10)}}"}"""), contentType);
            case 5:
                return ("body.encoding", "UTF-16 with BOM", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(valid))).ToArray(), contentType);
            case 6:
                return ("body.encoding", "UTF-8 BOM", Encoding.UTF8.GetPreamble().Concat(valid).ToArray(), contentType);
            case 7:
                var unknown = JsonNode.Parse(valid)!.AsObject();
                unknown[Pick(["isAdmin", "id", "version", "__proto__", "Title", "$type", "\u0000"])] = true;
                return ("body.unknown-property", "", Encoding.UTF8.GetBytes(unknown.ToJsonString()), contentType);
            case 8:
                var missing = JsonNode.Parse(valid)!.AsObject();
                var removed = missing.Select(p => p.Key).ToList();
                if (removed.Count > 0)
                {
                    missing.Remove(Pick(removed));
                }

                return ("body.missing-property", "", Encoding.UTF8.GetBytes(missing.ToJsonString()), contentType);
            default:
                // Replace one value (a property, nested or in an array) with a hostile JSON value.
                var document = JsonNode.Parse(valid)!;
                var slots = Slots(document, "").ToList();
                if (slots.Count == 0)
                {
                    document.AsObject()["refreshToken"] = Marker;
                    slots = Slots(document, "").ToList();
                }

                var (path, set) = Pick(slots);
                set(Marker);
                var (kind, payload) = choice switch
                {
                    9 => ("body.nul", Encoding.UTF8.GetBytes(Pick(NulStrings))),
                    10 => ("body.lone-surrogate", Encoding.UTF8.GetBytes(Pick(LoneSurrogates))),
                    11 => ("body.invalid-utf8", [(byte)'"', (byte)'a', .. Pick(InvalidUtf8), (byte)'b', (byte)'"']),
                    12 => ("body.wrong-type", Encoding.UTF8.GetBytes(Pick(WrongTypes))),
                    13 => ("body.number", Encoding.UTF8.GetBytes(Pick(ExtremeNumbers))),
                    14 => ("body.huge-string", Encoding.UTF8.GetBytes("\"" + new string('h', Pick([201, 1001, 20001, 50001, 300000])) + "\"")),
                    15 => ("body.raw-nul", "\"a\0b\""u8.ToArray()),
                    _ => ("body.odd-string", Encoding.UTF8.GetBytes(Pick(OddStrings))),
                };
                var text = Encoding.UTF8.GetBytes(document.ToJsonString());
                return (kind, path, Splice(text, Encoding.UTF8.GetBytes("\"" + Marker + "\""), payload), contentType);
        }
    }

    private (string Kind, string What) SpoilUndeclared(List<(string Name, string Value)> query, List<(string Name, string Value)> headers)
    {
        switch (random.Next(4))
        {
            case 0:
                var name = Pick(["%00", "q", "limit", "cursor", "a%00b", "%FF", "x"]);
                var value = Pick(HostileUrlValues);
                query.Add((name, value));
                return ("query.undeclared", $"{name}={value}");
            case 1:
                var header = Pick(["If-Match", "Idempotency-Key", "Last-Event-ID", "X-Correlation-Id", "X-Orbit-Client", "Accept", "Accept-Language", "traceparent", "X-Forwarded-For"]);
                var headerValue = HostileHeaderValue(header);
                headers.Add((header, headerValue));
                return ("header.undeclared", $"{header}: {Shorten(headerValue)}");
            case 2:
                headers.Add(("Accept", Pick(["text/html", "application/xml", "text/event-stream", "image/png", "*/*;q=0", "application/problem+json", ";;"])));
                return ("header.accept", headers[^1].Value);
            default:
                query.Add(("cursor", Pick(HostileUrlValues)));
                return ("query.cursor", query[^1].Value);
        }
    }

    private string HostileHeaderValue(string name) => random.Next(6) switch
    {
        0 => new string('h', random.Next(201, 8000)),
        1 => Pick(["\"abc\"", "abc", "\"99999999999999999999\"", "\"-1\"", "W/\"1\"", "\"1\", \"2\"", "*", "\"\"", "\"0\"", "\"2147483648\""]),
        2 => Pick(["\u00e9\u00e8", "\u0001", "a\u0000b", "\u007f", "\t", "%00"]),
        3 => Pick(["-1", "0", "99999999999999999999", "1.5", "abc", "2147483648"]),
        4 => Pick(["00000000-0000-0000-0000-000000000000", "' or 1=1 --", "web", "WEB", ""]),
        _ => Guid.NewGuid().ToString(),
    };

    private static string DeepNesting(int depth) =>
        depth % 2 == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private string ValidPathValue(FuzzOperation operation, string name) => name switch
    {
        "id" when operation.Template.Contains("/tokens/", StringComparison.Ordinal) => validIds["tokenId"],
        "id" => validIds["victimId"],
        "idOrKey" => validIds[random.Next(2) == 0 ? "taskId" : "taskKey"],
        "publisher" => "tasks",
        _ when validIds.TryGetValue(name, out var id) => id,
        _ => Guid.NewGuid().ToString(),
    };

    private JsonNode ValidValue(JsonObject schema, string name)
    {
        if (schema["enum"] is JsonArray values && values.FirstOrDefault(v => v is not null) is { } first)
        {
            return values.Where(v => v is not null).ElementAt(random.Next(values.Count(v => v is not null)))!.DeepClone();
        }

        var type = TypeOf(schema);
        switch (type)
        {
            case "object":
                var result = new JsonObject();
                var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    if (required.Contains(property) || random.Next(2) == 0)
                    {
                        result[property] = ValidValue(Resolved(propertySchema!.AsObject()), property);
                    }
                }

                return result;
            case "array":
                var items = schema["items"] is JsonObject itemSchema ? Resolved(itemSchema) : new JsonObject { ["type"] = "string" };
                return new JsonArray(ValidValue(items, name));
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(1.5);
            case "boolean":
                return JsonValue.Create(random.Next(2) == 0);
            default:
                return JsonValue.Create(ValidScalar(schema, name));
        }
    }

    private string ValidScalar(JsonObject schema, string name)
    {
        if (schema["enum"] is JsonArray values && values.Any(v => v is not null))
        {
            var choices = values.Where(v => v is not null).Select(v => v!.ToString()).ToList();
            return Pick(choices);
        }

        var format = schema["format"]?.GetValue<string>();
        return (name, format, TypeOf(schema)) switch
        {
            ("assigneeId" or "actorId" or "userId", _, _) => validIds["userId"],
            ("parentId", _, _) => validIds["taskId"],
            ("entityId", _, _) => validIds["taskId"],
            ("email", _, _) => $"fuzz-{Guid.NewGuid():N}@tests.orbit",
            ("password", _, _) => "correct horse battery",
            ("key", _, _) => "F" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..8],
            ("url", _, _) => "http://127.0.0.1:9/fuzz",
            ("status", _, _) => "todo",
            ("priority", _, _) => "high",
            (_, "uuid", _) => Guid.NewGuid().ToString(),
            (_, "date", _) => "2030-01-15",
            (_, "date-time", _) => "2030-01-15T10:00:00Z",
            (_, "email", _) => $"fuzz-{Guid.NewGuid():N}@tests.orbit",
            (_, "uri", _) => "http://127.0.0.1:9/fuzz",
            (_, _, "integer") => "5",
            (_, _, "boolean") => random.Next(2) == 0 ? "true" : "false",
            _ => "fuzz value " + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        };
    }

    private JsonObject Resolved(JsonObject schema) =>
        schema["oneOf"] is JsonArray oneOf && oneOf.FirstOrDefault(s => s?["$ref"] is not null || s?["type"]?.ToString() != "null") is { } choice
            ? Resolved(choice.AsObject())
            : schema["$ref"] is not null ? Components[schema["$ref"]!.GetValue<string>().Split('/')[^1]]!.AsObject() : schema;

    /// <summary>The document's component schemas, for $refs inside bodies (client events' items).</summary>
    public JsonObject Components { get; init; } = [];

    private static string TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
        JsonValue type => type.GetValue<string>(),
        _ => schema["properties"] is not null ? "object" : "string",
    };

    // Every place a value sits (object properties and array items, nested), with a way to replace it.
    private static IEnumerable<(string Path, Action<JsonNode> Set)> Slots(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    var here = path.Length == 0 ? name : $"{path}.{name}";
                    yield return (here, v => obj[name] = v);
                    if (value is not null)
                    {
                        foreach (var slot in Slots(value, here))
                        {
                            yield return slot;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    var here = $"{path}[{index}]";
                    yield return (here, v => array[index] = v);
                    if (array[index] is { } item)
                    {
                        foreach (var slot in Slots(item, here))
                        {
                            yield return slot;
                        }
                    }
                }

                break;
        }
    }

    private static byte[] Splice(byte[] text, byte[] marker, byte[] payload)
    {
        var at = text.AsSpan().IndexOf(marker);
        return [.. text[..at], .. payload, .. text[(at + marker.Length)..]];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private T Weighted<T>(IReadOnlyList<(T Item, int Weight)> items)
    {
        var roll = random.Next(items.Sum(i => i.Weight));
        foreach (var (item, weight) in items)
        {
            if ((roll -= weight) < 0)
            {
                return item;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + $"...({text.Length} chars)";
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class PersonalAccessTokenTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private sealed record CreatedToken(Guid Id, string Name, DateTime CreatedAt, DateTime ExpiresAt, string Token);

    private static async Task<CreatedToken> CreateAsync(HttpClient client, string name = "ci")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/users/me/tokens", new { name, expiresAt = DateTime.UtcNow.AddDays(30) });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<CreatedToken>())!;
    }

    private static async Task<HttpStatusCode> MeStatusAsync(string token)
    {
        using var client = Api.CreateClient(token);
        using var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        return response.StatusCode;
    }

    [Test]
    public async Task A_created_token_is_shown_once_and_works_as_a_bearer_token()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();

        var created = await CreateAsync(client);

        Assert.That(created.Token, Does.StartWith("orbit_pat_"));
        Assert.That(await MeStatusAsync(created.Token), Is.EqualTo(HttpStatusCode.OK));

        using var list = await client.GetAsync(new Uri("/api/v1/users/me/tokens", UriKind.Relative));
        var listed = await list.Content.ReadAsStringAsync();
        Assert.That(listed, Does.Contain(created.Id.ToString()));
        Assert.That(listed, Does.Not.Contain(created.Token), "the token itself is never shown again");
    }

    [Test]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var created = await CreateAsync(client);

        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select token_hash from identity.personal_access_tokens where id = @id", connection);
        command.Parameters.AddWithValue("id", created.Id);
        var stored = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.That(stored, Has.Length.EqualTo(32));
        Assert.That(System.Text.Encoding.UTF8.GetString(stored), Does.Not.Contain(created.Token));
    }

    [Test]
    public async Task A_revoked_token_stops_working()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var created = await CreateAsync(client);

        using var revoke = await client.DeleteAsync(new Uri($"/api/v1/users/me/tokens/{created.Id}", UriKind.Relative));

        await Expect.Status(revoke, HttpStatusCode.NoContent);
        Assert.That(await MeStatusAsync(created.Token), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_expired_token_stops_working()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var created = await CreateAsync(client);
        await using (var connection = new NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var expire = new NpgsqlCommand("update identity.personal_access_tokens set expires_at = now() - interval '1 second' where id = @id", connection);
            expire.Parameters.AddWithValue("id", created.Id);
            await expire.ExecuteNonQueryAsync();
        }

        Assert.That(await MeStatusAsync(created.Token), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Revoking_another_users_token_is_404_and_leaves_it_working()
    {
        var owner = await Api.RegisterAsync();
        using var ownerClient = await owner.ClientAsync();
        var created = await CreateAsync(ownerClient);
        var stranger = await Api.RegisterAsync();
        using var strangerClient = await stranger.ClientAsync();

        using var revoke = await strangerClient.DeleteAsync(new Uri($"/api/v1/users/me/tokens/{created.Id}", UriKind.Relative));

        await Expect.Problem(revoke, HttpStatusCode.NotFound);
        Assert.That(await MeStatusAsync(created.Token), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_unknown_personal_access_token_is_401()
    {
        Assert.That(await MeStatusAsync("orbit_pat_not-a-real-token"), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Without_expiry_a_token_expires_in_90_days()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "default expiry" });
        await Expect.Status(response, HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<CreatedToken>())!;
        Assert.That(created.ExpiresAt, Is.EqualTo(DateTime.UtcNow.AddDays(90)).Within(TimeSpan.FromMinutes(5)));
    }

    [TestCase("", 30, "name")]
    [TestCase("ok", -1, "expiresAt")]
    [TestCase("ok", 400, "expiresAt")]
    public async Task Invalid_token_requests_are_validation_errors(string name, int expiresInDays, string field)
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var response = await client.PostAsJsonAsync("/api/v1/users/me/tokens", new { name, expiresAt = DateTime.UtcNow.AddDays(expiresInDays) });
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task Listing_pages_with_a_cursor_and_a_link_header()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await CreateAsync(client, "t" + i)).Id);
        }

        var seen = new List<Guid>();
        var url = "/api/v1/users/me/tokens?limit=2";
        while (url is not null)
        {
            using var page = await client.GetAsync(new Uri(url, UriKind.Relative));
            await Expect.Status(page, HttpStatusCode.OK);
            var body = JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement;
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            var next = body.GetProperty("nextCursor");
            url = next.ValueKind == JsonValueKind.Null ? null : page.Headers.GetValues("Link").Single().Split(';')[0].Trim('<', '>');
        }

        Assert.That(seen, Is.EqualTo(created));
    }

    private static async Task<JsonElement> CreateWithScopeAsync(HttpClient client, string? scope)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/users/me/tokens", scope is null ? new { name = "scoped" } : (object)new { name = "scoped", scope });
        await Expect.Status(response, HttpStatusCode.Created);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Test]
    public async Task A_token_is_read_only_unless_created_read_write_and_a_read_token_cannot_write()
    {
        var user = await Api.RegisterAsync();
        using var session = await user.ClientAsync();
        var byDefault = await CreateWithScopeAsync(session, null);
        Assert.That(byDefault.GetProperty("scope").GetString(), Is.EqualTo("read"), "least privilege by default");
        using var reader = Api.CreateClient(byDefault.GetProperty("token").GetString()!);

        using var read = await reader.GetAsync(new Uri("/api/v1/projects", UriKind.Relative));
        using var write = await reader.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "By a read token" });

        await Expect.Status(read, HttpStatusCode.OK);
        var problem = await Expect.Problem(write, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.insufficient_scope"));
        using var projects = await session.GetAsync(new Uri("/api/v1/projects", UriKind.Relative));
        Assert.That(await projects.Content.ReadAsStringAsync(), Does.Not.Contain("By a read token"), "nothing was written");

        var readWrite = await CreateWithScopeAsync(session, "read-write");
        using var writer = Api.CreateClient(readWrite.GetProperty("token").GetString()!);
        using var created = await writer.PostAsJsonAsync("/api/v1/projects", new { key = ProjectScenarios.NewKey(), name = "By a read-write token" });
        await Expect.Status(created, HttpStatusCode.Created);
    }

    [Test]
    public async Task The_scope_is_listed_and_an_unknown_scope_is_refused()
    {
        var user = await Api.RegisterAsync();
        using var session = await user.ClientAsync();
        var created = await CreateWithScopeAsync(session, "read-write");

        using var list = await session.GetAsync(new Uri("/api/v1/users/me/tokens", UriKind.Relative));
        var listed = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[0];
        using var unknown = await session.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "admin", scope = "admin" });

        Assert.That(listed.GetProperty("id").GetGuid(), Is.EqualTo(created.GetProperty("id").GetGuid()));
        Assert.That(listed.GetProperty("scope").GetString(), Is.EqualTo("read-write"));
        await Expect.ValidationError(unknown, "scope");
    }

    [Test]
    public async Task A_token_cannot_mint_tokens_so_revoking_it_leaves_nothing_behind()
    {
        var user = await Api.RegisterAsync();
        using var session = await user.ClientAsync();
        var parent = await CreateWithScopeAsync(session, "read-write");
        using var patClient = Api.CreateClient(parent.GetProperty("token").GetString()!);

        using var mint = await patClient.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "child", scope = "read-write" });
        using var revokeOther = await patClient.DeleteAsync(new Uri($"/api/v1/users/me/tokens/{parent.GetProperty("id").GetGuid()}", UriKind.Relative));

        var problem = await Expect.Problem(mint, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.interactive_session_required"));
        await Expect.Problem(revokeOther, HttpStatusCode.Forbidden);
        using var list = await session.GetAsync(new Uri("/api/v1/users/me/tokens", UriKind.Relative));
        Assert.That(JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;

namespace Orbit.Tests.Audit;

/// <summary>
/// Issue 11: an open change-feed stream ends when its credential stops granting access (user disabled, token revoked,
/// sessions ended: within seconds; token expiry: exactly), and its last message says why.
/// </summary>
public sealed class ChangeFeedSessionTests
{
    private static OrbitApi Api => TestPostgres.Api;

    /// <summary>The credential re-check runs every 3 s; the rest is polling and a loaded machine.</summary>
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(8);

    /// <summary>A user of their own (these tests end their sessions) with a project of their own.</summary>
    private static async Task<(TestUser User, Tokens Tokens, ProjectBody Project)> OwnerWithProjectAsync()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var client = Api.CreateClient(tokens.AccessToken);
        return (user, tokens, await ProjectScenarios.CreateProjectAsync(client));
    }

    private static async Task<(HttpResponseMessage Response, EventStreamReader Events)> OpenAsync(string token, Guid projectId)
    {
        var client = Api.CreateClient(token);
        var response = await AuditApi.OpenStreamAsync(client, projectId, after: "now");
        await Expect.Status(response, HttpStatusCode.OK);
        var events = new EventStreamReader(await response.Content.ReadAsStreamAsync());
        return (response, events);
    }

    [Test]
    public async Task Disabling_the_user_ends_their_open_stream_within_seconds_with_user_disabled()
    {
        var (user, tokens, project) = await OwnerWithProjectAsync();
        var (response, events) = await OpenAsync(tokens.AccessToken, project.Id);
        using var _ = response;
        using var __ = events;
        using var admin = await Api.AdminClientAsync();

        using (var disable = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/disable", UriKind.Relative), null))
        {
            await Expect.Status(disable, HttpStatusCode.OK);
        }

        var clock = Stopwatch.StartNew();
        Assert.That(await events.ReadToEndAsync(WithinSeconds + TimeSpan.FromSeconds(5)), Is.EqualTo("user_disabled"));
        Assert.That(clock.Elapsed, Is.LessThan(WithinSeconds));
    }

    [Test]
    public async Task Revoking_the_personal_access_token_ends_its_open_stream_with_token_revoked()
    {
        var (_, tokens, project) = await OwnerWithProjectAsync();
        using var session = Api.CreateClient(tokens.AccessToken);
        using var created = await session.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "dashboard" });
        await Expect.Status(created, HttpStatusCode.Created);
        var pat = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var (response, events) = await OpenAsync(pat.GetProperty("token").GetString()!, project.Id);
        using var _ = response;
        using var __ = events;

        using (var revoke = await session.DeleteAsync(new Uri($"/api/v1/users/me/tokens/{pat.GetProperty("id").GetGuid()}", UriKind.Relative)))
        {
            await Expect.Status(revoke, HttpStatusCode.NoContent);
        }

        var clock = Stopwatch.StartNew();
        Assert.That(await events.ReadToEndAsync(WithinSeconds + TimeSpan.FromSeconds(5)), Is.EqualTo("token_revoked"));
        Assert.That(clock.Elapsed, Is.LessThan(WithinSeconds));
    }

    [Test]
    public async Task Signing_out_everywhere_ends_an_open_stream_with_signed_out()
    {
        var (user, tokens, project) = await OwnerWithProjectAsync();
        var (response, events) = await OpenAsync(tokens.AccessToken, project.Id);
        using var _ = response;
        using var __ = events;
        await AccessTokens.NextSecondAsync();

        using var fresh = Api.CreateClient((await user.SignInAsync()).AccessToken);
        using (var logoutAll = await fresh.PostAsync(new Uri("/api/v1/auth/logout-all", UriKind.Relative), null))
        {
            await Expect.Status(logoutAll, HttpStatusCode.NoContent);
        }

        Assert.That(await events.ReadToEndAsync(WithinSeconds + TimeSpan.FromSeconds(5)), Is.EqualTo("signed_out"));
    }

    [Test]
    public async Task A_stream_ends_exactly_when_its_access_token_expires_with_token_expired()
    {
        var (user, _, project) = await OwnerWithProjectAsync();
        // A token that expires in a few seconds: sign-in issues 1 minute at the least, too long to wait for.
        var expires = DateTime.UtcNow.AddSeconds(4);
        var token = AccessTokens.Forge(user.Id, expires: expires, issuedAt: DateTime.UtcNow);
        var exp = DateTimeOffset.FromUnixTimeSeconds(new DateTimeOffset(expires).ToUnixTimeSeconds());
        var (response, events) = await OpenAsync(token, project.Id);
        using var _ = response;
        using var __ = events;

        var reason = await events.ReadToEndAsync(TimeSpan.FromSeconds(15));
        var endedAt = DateTimeOffset.UtcNow;

        Assert.That(reason, Is.EqualTo("token_expired"));
        Assert.That(endedAt, Is.GreaterThanOrEqualTo(exp.AddMilliseconds(-50)), "not before the token's exp");
        Assert.That(endedAt, Is.LessThan(exp.AddSeconds(1.5)), "at exp, not at the next credential check or keep-alive");
    }

    [Test]
    public async Task A_stream_whose_credential_stays_valid_keeps_delivering()
    {
        var (_, tokens, project) = await OwnerWithProjectAsync();
        var (response, events) = await OpenAsync(tokens.AccessToken, project.Id);
        using var _ = response;
        using var __ = events;
        using var client = Api.CreateClient(tokens.AccessToken);

        // Past at least one credential re-check (3 s), then an event still arrives.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await TaskApi.CreateAsync(client, project.Id, new { title = "Still here" });

        var received = await events.ReadUntilAsync(e => e.Count > 0);
        Assert.That(received, Is.Not.Empty);
        Assert.That(events.EndedReason, Is.Null);
    }
}

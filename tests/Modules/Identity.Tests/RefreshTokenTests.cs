using System.Net;
using System.Net.Http.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class RefreshTokenTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = Api.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
    }

    [Test]
    public async Task Refreshing_returns_a_new_pair_and_the_new_access_token_works()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();

        using var response = await RefreshAsync(tokens.RefreshToken);

        await Expect.Status(response, HttpStatusCode.OK);
        var rotated = (await response.Content.ReadFromJsonAsync<Tokens>())!;
        Assert.That(rotated.RefreshToken, Is.Not.EqualTo(tokens.RefreshToken));
        using var client = Api.CreateClient(rotated.AccessToken);
        using var me = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await Expect.Status(me, HttpStatusCode.OK);
    }

    [Test]
    public async Task Reusing_a_refresh_token_revokes_the_whole_family()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var first = await RefreshAsync(tokens.RefreshToken);
        var rotated = (await first.Content.ReadFromJsonAsync<Tokens>())!;

        using var reuse = await RefreshAsync(tokens.RefreshToken);
        var problem = await Expect.Problem(reuse, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.refresh_token_reused"));

        // The legitimate-looking descendant is dead too: whoever holds it may be the thief.
        using var descendant = await RefreshAsync(rotated.RefreshToken);
        await Expect.Problem(descendant, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Reuse_does_not_touch_other_sign_ins_of_the_same_user()
    {
        var user = await Api.RegisterAsync();
        var stolen = await user.SignInAsync();
        var other = await user.SignInAsync();
        using (await RefreshAsync(stolen.RefreshToken))
        {
        }

        using (await RefreshAsync(stolen.RefreshToken))
        {
        }

        using var stillFine = await RefreshAsync(other.RefreshToken);
        await Expect.Status(stillFine, HttpStatusCode.OK);
    }

    [Test]
    public async Task Concurrent_refreshes_with_one_token_let_at_most_one_succeed()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshAsync(tokens.RefreshToken)));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.LessThanOrEqualTo(1));
        Assert.That(responses.All(r => r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized), Is.True);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task An_unknown_refresh_token_is_401()
    {
        using var response = await RefreshAsync("orbit_rt_" + Guid.NewGuid().ToString("N"));
        var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.invalid_refresh_token"));
    }

    [Test]
    public async Task A_missing_refresh_token_is_a_validation_error()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "" });
        await Expect.ValidationError(response, "refreshToken");
    }

    [Test]
    public async Task Signing_out_revokes_the_family_and_answers_204()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var rotatedResponse = await RefreshAsync(tokens.RefreshToken);
        var rotated = (await rotatedResponse.Content.ReadFromJsonAsync<Tokens>())!;

        using var client = Api.CreateClient();
        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = rotated.RefreshToken });
        await Expect.Status(logout, HttpStatusCode.NoContent);

        using var afterLogout = await RefreshAsync(rotated.RefreshToken);
        await Expect.Problem(afterLogout, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Signing_out_with_an_unknown_token_changes_nothing_and_answers_204()
    {
        using var client = Api.CreateClient();
        using var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "orbit_rt_unknown" });
        await Expect.Status(logout, HttpStatusCode.NoContent);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

/// <summary>Issue 11: access ends when it should (disable, sign out everywhere, password change, forced reset).</summary>
public sealed class SessionEndTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<HttpStatusCode> MeStatusAsync(string token)
    {
        using var client = Api.CreateClient(token);
        using var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> RefreshStatusAsync(string refreshToken)
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        return response.StatusCode;
    }

    private static async Task<string> CreatePatAsync(HttpClient client, string scope = "read")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "script", scope });
        await Expect.Status(response, HttpStatusCode.Created);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SignInResponseAsync(string email, string password)
    {
        using var client = Api.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
    }

    [Test]
    public async Task Re_enabling_a_disabled_user_brings_back_none_of_their_old_tokens()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var client = Api.CreateClient(tokens.AccessToken);
        var pat = await CreatePatAsync(client);
        using var admin = await Api.AdminClientAsync();
        await AccessTokens.NextSecondAsync();

        using (var disable = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/disable", UriKind.Relative), null))
        {
            await Expect.Status(disable, HttpStatusCode.OK);
        }

        using (var enable = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/enable", UriKind.Relative), null))
        {
            await Expect.Status(enable, HttpStatusCode.OK);
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await MeStatusAsync(pat), Is.EqualTo(HttpStatusCode.Unauthorized), "the personal access token was revoked for good");
            Assert.That(await MeStatusAsync(tokens.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized), "access tokens from before the disable stay dead");
            Assert.That(await RefreshStatusAsync(tokens.RefreshToken), Is.EqualTo(HttpStatusCode.Unauthorized));
        });
        Assert.That(await MeStatusAsync((await user.SignInAsync()).AccessToken), Is.EqualTo(HttpStatusCode.OK), "signing in afresh works");
    }

    [Test]
    public async Task Signing_out_everywhere_ends_every_session_of_the_user_but_keeps_personal_access_tokens()
    {
        var user = await Api.RegisterAsync();
        var laptop = await user.SignInAsync();
        var phone = await user.SignInAsync();
        var pat = await CreatePatAsync(Api.CreateClient(laptop.AccessToken));
        var bystander = await (await Api.RegisterAsync()).SignInAsync();
        await AccessTokens.NextSecondAsync();

        using var client = Api.CreateClient(laptop.AccessToken);
        using var response = await client.PostAsync(new Uri("/api/v1/auth/logout-all", UriKind.Relative), null);

        await Expect.Status(response, HttpStatusCode.NoContent);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await MeStatusAsync(laptop.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await MeStatusAsync(phone.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await RefreshStatusAsync(laptop.RefreshToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await RefreshStatusAsync(phone.RefreshToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await MeStatusAsync(pat), Is.EqualTo(HttpStatusCode.OK), "personal access tokens are not sessions");
            Assert.That(await MeStatusAsync(bystander.AccessToken), Is.EqualTo(HttpStatusCode.OK), "other users are untouched");
        });
        Assert.That(await MeStatusAsync((await user.SignInAsync()).AccessToken), Is.EqualTo(HttpStatusCode.OK), "signing in again works at once");
    }

    [Test]
    public async Task Changing_the_password_ends_every_other_session_and_hands_this_one_a_new_token_pair()
    {
        var user = await Api.RegisterAsync();
        var here = await user.SignInAsync();
        var elsewhere = await user.SignInAsync();
        var pat = await CreatePatAsync(Api.CreateClient(here.AccessToken));
        await AccessTokens.NextSecondAsync();
        using var client = Api.CreateClient(here.AccessToken);

        using var response = await client.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = user.Password, newPassword = "a brand new passphrase" });

        await Expect.Status(response, HttpStatusCode.OK);
        var renewed = (await response.Content.ReadFromJsonAsync<Tokens>())!;
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await MeStatusAsync(renewed.AccessToken), Is.EqualTo(HttpStatusCode.OK), "the caller goes on with the new pair");
            Assert.That(await RefreshStatusAsync(renewed.RefreshToken), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await MeStatusAsync(here.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await MeStatusAsync(elsewhere.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await RefreshStatusAsync(elsewhere.RefreshToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await MeStatusAsync(pat), Is.EqualTo(HttpStatusCode.OK), "personal access tokens stay unless asked");
        });
        using var oldPassword = await SignInResponseAsync(user.Email, user.Password);
        await Expect.Problem(oldPassword, HttpStatusCode.Unauthorized);
        await Api.SignInAsync(user.Email, "a brand new passphrase");
    }

    [Test]
    public async Task Changing_the_password_can_revoke_every_personal_access_token_too()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        var pat = await CreatePatAsync(client, "read-write");

        using var response = await client.PostAsJsonAsync("/api/v1/users/me/password",
            new { currentPassword = user.Password, newPassword = "another fresh passphrase", revokePersonalAccessTokens = true });

        await Expect.Status(response, HttpStatusCode.OK);
        Assert.That(await MeStatusAsync(pat), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_wrong_current_password_or_a_weak_new_one_changes_nothing()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var client = Api.CreateClient(tokens.AccessToken);

        using var wrong = await client.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = "not my password at all", newPassword = "a brand new passphrase" });
        using var common = await client.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = user.Password, newPassword = "qwertyuiop123" });
        using var email = await client.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = user.Password, newPassword = user.Email });
        using var same = await client.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = user.Password, newPassword = user.Password });

        await Expect.ValidationError(wrong, "currentPassword");
        await Expect.ValidationError(common, "newPassword");
        await Expect.ValidationError(email, "newPassword");
        await Expect.ValidationError(same, "newPassword");
        Assert.That(await MeStatusAsync(tokens.AccessToken), Is.EqualTo(HttpStatusCode.OK), "the session goes on");
        await user.SignInAsync();
    }

    [Test]
    public async Task Personal_access_tokens_cannot_change_the_password_sign_out_everywhere_or_manage_tokens()
    {
        var user = await Api.RegisterAsync();
        using var session = await user.ClientAsync();
        using var pat = Api.CreateClient(await CreatePatAsync(session, "read-write"));

        using var password = await pat.PostAsJsonAsync("/api/v1/users/me/password", new { currentPassword = user.Password, newPassword = "a brand new passphrase" });
        using var logoutAll = await pat.PostAsync(new Uri("/api/v1/auth/logout-all", UriKind.Relative), null);
        using var mint = await pat.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "child", scope = "read-write" });
        using var list = await pat.GetAsync(new Uri("/api/v1/users/me/tokens", UriKind.Relative));

        foreach (var response in new[] { password, logoutAll, mint, list })
        {
            var problem = await Expect.Problem(response, HttpStatusCode.Forbidden);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.interactive_session_required"), response.RequestMessage!.RequestUri!.ToString());
        }

        await user.SignInAsync();
    }

    [Test]
    public async Task An_admin_forced_reset_ends_everything_and_the_temporary_password_only_sets_a_new_one()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        var pat = await CreatePatAsync(Api.CreateClient(tokens.AccessToken), "read-write");
        using var admin = await Api.AdminClientAsync();
        await AccessTokens.NextSecondAsync();

        using var reset = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/reset-password", UriKind.Relative), null);

        await Expect.Status(reset, HttpStatusCode.OK);
        var temporary = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement.GetProperty("temporaryPassword").GetString()!;
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await MeStatusAsync(tokens.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await RefreshStatusAsync(tokens.RefreshToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await MeStatusAsync(pat), Is.EqualTo(HttpStatusCode.Unauthorized));
        });

        using (var oldPassword = await SignInResponseAsync(user.Email, user.Password))
        {
            await Expect.Problem(oldPassword, HttpStatusCode.Unauthorized);
        }

        using (var withTemporary = await SignInResponseAsync(user.Email, temporary))
        {
            var problem = await Expect.Problem(withTemporary, HttpStatusCode.Forbidden);
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.password_change_required"));
        }

        using var anonymous = Api.CreateClient();
        using (var wrongTemporary = await anonymous.PostAsJsonAsync("/api/v1/auth/reset-password",
                   new { email = user.Email, temporaryPassword = user.Password, newPassword = "my own passphrase again" }))
        {
            await Expect.Problem(wrongTemporary, HttpStatusCode.Unauthorized);
        }

        using (var weak = await anonymous.PostAsJsonAsync("/api/v1/auth/reset-password", new { email = user.Email, temporaryPassword = temporary, newPassword = "password1234" }))
        {
            await Expect.ValidationError(weak, "newPassword");
        }

        using (var done = await anonymous.PostAsJsonAsync("/api/v1/auth/reset-password",
                   new { email = user.Email, temporaryPassword = temporary, newPassword = "my own passphrase again" }))
        {
            await Expect.Status(done, HttpStatusCode.NoContent);
        }

        await Api.SignInAsync(user.Email, "my own passphrase again");
        using var temporaryAgain = await anonymous.PostAsJsonAsync("/api/v1/auth/reset-password",
            new { email = user.Email, temporaryPassword = temporary, newPassword = "yet another passphrase" });
        await Expect.Problem(temporaryAgain, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Completing_a_reset_for_an_account_that_is_not_under_one_is_401_like_a_wrong_password()
    {
        var user = await Api.RegisterAsync();
        using var anonymous = Api.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/reset-password",
            new { email = user.Email, temporaryPassword = user.Password, newPassword = "a brand new passphrase" });

        var problem = await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.invalid_credentials"));
        await user.SignInAsync();
    }

    [Test]
    public async Task Only_admins_force_resets_and_not_on_themselves()
    {
        var user = await Api.RegisterAsync();
        using var userClient = await user.ClientAsync();
        using var admin = await Api.AdminClientAsync();
        using var me = await admin.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        var adminId = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        using var byUser = await userClient.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/reset-password", UriKind.Relative), null);
        using var self = await admin.PostAsync(new Uri($"/api/v1/admin/users/{adminId}/reset-password", UriKind.Relative), null);
        using var unknown = await admin.PostAsync(new Uri($"/api/v1/admin/users/{Guid.CreateVersion7()}/reset-password", UriKind.Relative), null);

        await Expect.Problem(byUser, HttpStatusCode.Forbidden);
        var problem = await Expect.Problem(self, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.cannot_reset_self"));
        await Expect.Problem(unknown, HttpStatusCode.NotFound);
    }
}

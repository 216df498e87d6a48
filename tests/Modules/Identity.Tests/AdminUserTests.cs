using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class AdminUserTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Listing_users_needs_the_admin_role()
    {
        var user = await Api.RegisterAsync();
        using var client = await user.ClientAsync();
        using var forbidden = await client.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Problem(forbidden, HttpStatusCode.Forbidden);

        using var anonymous = Api.CreateClient();
        using var unauthorized = await anonymous.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Problem(unauthorized, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Admins_find_users_by_part_of_email_or_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var user = await Api.RegisterAsync($"Person {marker}");
        using var admin = await Api.AdminClientAsync();

        using var response = await admin.GetAsync(new Uri($"/api/v1/admin/users?q={marker}", UriKind.Relative));

        await Expect.Status(response, HttpStatusCode.OK);
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
        Assert.That(items.GetArrayLength(), Is.EqualTo(1));
        Assert.That(items[0].GetProperty("id").GetGuid(), Is.EqualTo(user.Id));
    }

    [Test]
    public async Task A_percent_sign_in_q_is_matched_literally()
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.GetAsync(new Uri("/api/v1/admin/users?q=%25%25nobody-has-this%25", UriKind.Relative));
        await Expect.Status(response, HttpStatusCode.OK);
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
        Assert.That(items.GetArrayLength(), Is.Zero);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("limit=abc", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    public async Task Bad_paging_parameters_are_validation_errors(string query, string field)
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.GetAsync(new Uri($"/api/v1/admin/users?{query}", UriKind.Relative));
        await Expect.ValidationError(response, field);
    }

    [Test]
    public async Task Paging_through_all_users_sees_each_once_while_others_register()
    {
        using var admin = await Api.AdminClientAsync();
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            using var page = await admin.GetAsync(new Uri("/api/v1/admin/users?limit=5" + (cursor is null ? "" : "&cursor=" + cursor), UriKind.Relative));
            await Expect.Status(page, HttpStatusCode.OK);
            var body = JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement;
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = body.GetProperty("nextCursor").GetString();
            await Api.RegisterAsync("Inserted between pages");
        }
        while (cursor is not null && seen.Count < 2000);

        Assert.That(seen, Is.Unique);
        Assert.That(seen, Is.Ordered);
    }

    [Test]
    public async Task Granting_admin_applies_to_the_users_existing_access_token_at_once()
    {
        var user = await Api.RegisterAsync();
        using var userClient = await user.ClientAsync();
        using var admin = await Api.AdminClientAsync();

        using var grant = await admin.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "admin" } });
        await Expect.Status(grant, HttpStatusCode.OK);
        Assert.That(grant.Headers.ETag?.Tag, Is.EqualTo("\"2\""));

        using var nowAdmin = await userClient.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Status(nowAdmin, HttpStatusCode.OK);

        using var revoke = await admin.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = Array.Empty<string>() });
        await Expect.Status(revoke, HttpStatusCode.OK);
        using var noLonger = await userClient.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Problem(noLonger, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Unknown_roles_are_rejected()
    {
        var user = await Api.RegisterAsync();
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "superuser" } });
        await Expect.ValidationError(response, "roles[0]");
    }

    [Test]
    public async Task Setting_roles_of_an_unknown_user_is_404()
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.PutAsJsonAsync($"/api/v1/admin/users/{Guid.CreateVersion7()}/roles", new { roles = new[] { "admin" } });
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Disabling_a_user_stops_every_credential_at_once_and_enabling_lets_them_sign_in_again()
    {
        var user = await Api.RegisterAsync();
        var tokens = await user.SignInAsync();
        using var userClient = Api.CreateClient(tokens.AccessToken);
        using var patResponse = await userClient.PostAsJsonAsync("/api/v1/users/me/tokens", new { name = "script" });
        var pat = JsonDocument.Parse(await patResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using var admin = await Api.AdminClientAsync();

        using var disable = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/disable", UriKind.Relative), null);
        await Expect.Status(disable, HttpStatusCode.OK);

        using var withAccessToken = await userClient.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await Expect.Problem(withAccessToken, HttpStatusCode.Unauthorized);
        using var patClient = Api.CreateClient(pat);
        using var withPat = await patClient.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await Expect.Problem(withPat, HttpStatusCode.Unauthorized);
        using var anonymous = Api.CreateClient();
        using var refresh = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await Expect.Problem(refresh, HttpStatusCode.Unauthorized);
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var problem = await Expect.Problem(login, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.user_disabled"));

        using var enable = await admin.PostAsync(new Uri($"/api/v1/admin/users/{user.Id}/enable", UriKind.Relative), null);
        await Expect.Status(enable, HttpStatusCode.OK);
        await user.SignInAsync();
    }

    [Test]
    public async Task An_admin_cannot_disable_themself()
    {
        using var admin = await Api.AdminClientAsync();
        var me = await admin.GetFromJsonAsync<UserBody>("/api/v1/users/me");
        using var response = await admin.PostAsync(new Uri($"/api/v1/admin/users/{me!.Id}/disable", UriKind.Relative), null);
        await Expect.Problem(response, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Disabling_an_unknown_user_is_404()
    {
        using var admin = await Api.AdminClientAsync();
        using var response = await admin.PostAsync(new Uri($"/api/v1/admin/users/{Guid.CreateVersion7()}/disable", UriKind.Relative), null);
        await Expect.Problem(response, HttpStatusCode.NotFound);
    }
}

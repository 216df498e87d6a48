using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class AccessTokenTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static async Task<HttpResponseMessage> MeAsync(string? token)
    {
        using var client = token is null ? Api.CreateClient() : Api.CreateClient(token);
        return await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
    }

    private static string Forge(Guid userId, string issuer = "orbit", string audience = "orbit-api", string key = OrbitApi.SigningKey, DateTime? expires = null) =>
        AccessTokens.Forge(userId, issuer, audience, key, expires);

    [Test]
    public async Task The_current_user_is_returned_with_id_email_name_roles_and_creation_time()
    {
        var user = await Api.RegisterAsync("Grace Hopper");
        using var response = await MeAsync((await user.SignInAsync()).AccessToken);

        await Expect.Status(response, HttpStatusCode.OK);
        var me = (await response.Content.ReadFromJsonAsync<UserBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(me.Id, Is.EqualTo(user.Id));
            Assert.That(me.Email, Is.EqualTo(user.Email));
            Assert.That(me.DisplayName, Is.EqualTo("Grace Hopper"));
            Assert.That(me.Roles, Is.Empty);
            Assert.That(me.CreatedAt, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(5)));
        });
    }

    [Test]
    public async Task No_credentials_is_401_with_a_bearer_challenge()
    {
        using var response = await MeAsync(null);
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
    }

    [Test]
    public async Task A_token_forged_with_the_right_key_is_accepted_which_proves_the_forgeries_below_fail_for_their_flaw()
    {
        var user = await Api.RegisterAsync();
        using var response = await MeAsync(Forge(user.Id));
        await Expect.Status(response, HttpStatusCode.OK);
    }

    [Test]
    public async Task Issued_access_tokens_say_they_are_access_tokens_with_typ_at_jwt()
    {
        var user = await Api.RegisterAsync();
        var token = (await user.SignInAsync()).AccessToken;
        Assert.That(AccessTokens.HeaderOf(token).GetProperty("typ").GetString(), Is.EqualTo("at+jwt"));
    }

    [Test]
    public async Task A_correctly_signed_token_without_typ_at_jwt_is_401()
    {
        var user = await Api.RegisterAsync();
        using var plainJwt = await MeAsync(AccessTokens.Forge(user.Id, type: null));
        using var otherType = await MeAsync(AccessTokens.Forge(user.Id, type: "id+jwt"));
        await Expect.Problem(plainJwt, HttpStatusCode.Unauthorized);
        await Expect.Problem(otherType, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_with_a_tampered_payload_is_401()
    {
        var user = await Api.RegisterAsync();
        var victim = await Api.RegisterAsync();
        var token = (await user.SignInAsync()).AccessToken;
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(user.Id.ToString(), victim.Id.ToString(), StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        using var response = await MeAsync(tampered);

        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_with_alg_none_is_401()
    {
        var user = await Api.RegisterAsync();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"{{user.Id}}","iss":"orbit","aud":"orbit-api","exp":{{exp}}}""");

        using var response = await MeAsync($"{header}.{payload}.");

        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var user = await Api.RegisterAsync();
        using var response = await MeAsync(Forge(user.Id, key: "some-other-signing-key-that-is-long-enough-000"));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_for_another_issuer_is_401()
    {
        var user = await Api.RegisterAsync();
        using var response = await MeAsync(Forge(user.Id, issuer: "someone-else"));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_for_another_audience_is_401()
    {
        var user = await Api.RegisterAsync();
        using var response = await MeAsync(Forge(user.Id, audience: "another-api"));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task An_expired_token_is_401()
    {
        var user = await Api.RegisterAsync();
        using var response = await MeAsync(Forge(user.Id, expires: DateTime.UtcNow.AddMinutes(-5)));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_valid_token_for_a_user_that_does_not_exist_is_401()
    {
        using var response = await MeAsync(Forge(Guid.CreateVersion7()));
        await Expect.Problem(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Roles_in_a_token_are_not_trusted_over_the_users_current_roles()
    {
        // The forged token claims admin; the user is not one, and the row wins.
        var user = await Api.RegisterAsync();
        using var client = Api.CreateClient(Forge(user.Id));
        using var response = await client.GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        await Expect.Problem(response, HttpStatusCode.Forbidden);
    }
}

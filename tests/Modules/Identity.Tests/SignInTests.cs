using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class SignInTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task Signing_in_returns_a_bearer_access_token_of_15_minutes_and_a_refresh_token()
    {
        var user = await Api.RegisterAsync();

        var tokens = await user.SignInAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tokens.TokenType, Is.EqualTo("Bearer"));
            Assert.That(tokens.ExpiresIn, Is.EqualTo(15 * 60));
            Assert.That(tokens.AccessToken.Split('.'), Has.Length.EqualTo(3));
            Assert.That(tokens.RefreshToken, Does.StartWith("orbit_rt_"));
        });
    }

    [Test]
    public async Task Email_is_matched_without_regard_to_case()
    {
        var user = await Api.RegisterAsync();
        var tokens = await Api.SignInAsync(user.Email.ToUpperInvariant(), user.Password);
        Assert.That(tokens.AccessToken, Is.Not.Empty);
    }

    [Test]
    public async Task Unknown_email_and_wrong_password_get_the_same_401_answer()
    {
        var user = await Api.RegisterAsync();
        using var client = Api.CreateClient();

        using var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password at all" });
        using var unknownEmail = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@tests.orbit", password = "not the password at all" });

        var first = await Expect.Problem(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await Expect.Problem(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Multiple(() =>
        {
            Assert.That(Comparable(first), Is.EqualTo(Comparable(second)));
            Assert.That(wrongPassword.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Unknown_email_costs_about_as_much_time_as_a_wrong_password()
    {
        var user = await Api.RegisterAsync();
        using var client = Api.CreateClient();

        async Task<double> TimeMs(string email)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "not the password at all" });
            var elapsed = watch.Elapsed.TotalMilliseconds;
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            return elapsed;
        }

        // Both paths run one PBKDF2 verification; without the decoy the unknown email would answer in a few ms. The two
        // are timed in turn, so that the other tests' hashing in this process weighs on both alike (timed one set after
        // the other, a burst of it once made the wrong passwords 3x slower).
        var unknown = $"nobody-{Guid.NewGuid():N}@tests.orbit";
        var wrongPasswords = new List<double>();
        var unknownEmails = new List<double>();
        // Three each: a fourth failure for one address and email would be held back by the failure throttle.
        for (var i = 0; i < 3; i++)
        {
            wrongPasswords.Add(await TimeMs(user.Email));
            unknownEmails.Add(await TimeMs(unknown));
        }

        var wrongPassword = wrongPasswords.Order().ElementAt(1);
        var unknownEmail = unknownEmails.Order().ElementAt(1);
        Assert.That(unknownEmail / wrongPassword, Is.InRange(0.4, 2.5), $"unknown {unknownEmail:F0} ms vs wrong password {wrongPassword:F0} ms");
    }

    [Test]
    public async Task Missing_fields_are_validation_errors()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "" });
        var problem = await Expect.ValidationError(response, "email");
        Assert.That(problem.GetProperty("errors").TryGetProperty("password", out _), Is.True);
    }

    private static string Comparable(JsonElement problem) =>
        string.Join("|", problem.EnumerateObject().Where(p => p.Name is not "traceId").Select(p => $"{p.Name}={p.Value}"));
}

using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Identity;

public sealed class RegistrationTests
{
    private static OrbitApi Api => TestPostgres.Api;

    private static string NewEmail() => $"reg-{Guid.NewGuid():N}@tests.orbit";

    [Test]
    public async Task Registering_returns_201_with_the_user_and_no_secrets()
    {
        using var client = Api.CreateClient();
        var email = NewEmail();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "a long enough password", displayName = "  Ada Lovelace  " });

        await Expect.Status(response, HttpStatusCode.Created);
        var body = await response.Content.ReadAsStringAsync();
        var user = await response.Content.ReadFromJsonAsync<UserBody>();
        Assert.Multiple(() =>
        {
            Assert.That(user!.Email, Is.EqualTo(email));
            Assert.That(user.DisplayName, Is.EqualTo("Ada Lovelace"), "display names are trimmed");
            Assert.That(user.Roles, Is.Empty);
            Assert.That(user.Id.Version, Is.EqualTo(7), "ids are UUIDv7");
            Assert.That(body, Does.Not.Contain("password").IgnoreCase);
        });
    }

    [Test]
    public async Task Registering_an_email_that_exists_in_another_case_returns_409()
    {
        using var client = Api.CreateClient();
        var email = NewEmail();
        using var first = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "a long enough password", displayName = "First" });
        await Expect.Status(first, HttpStatusCode.Created);

        using var second = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = email.ToUpperInvariant(), password = "another long password", displayName = "Second" });

        var problem = await Expect.Problem(second, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("identity.email_taken"));
    }

    [TestCase("not-an-email", "a long enough password", "Name", "email")]
    [TestCase("", "a long enough password", "Name", "email")]
    [TestCase("valid@tests.orbit", "short", "Name", "password")]
    [TestCase("valid@tests.orbit", "", "Name", "password")]
    [TestCase("valid@tests.orbit", "a long enough password", "", "displayName")]
    [TestCase("valid@tests.orbit", "a long enough password", "   ", "displayName")]
    public async Task Registering_with_an_invalid_field_returns_a_validation_problem_naming_it(string email, string password, string displayName, string field)
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName });
        await Expect.ValidationError(response, field);
    }

    private static string Varied(int length) => string.Concat(Enumerable.Repeat("kq7#mv2$pz9!wr4&", 9))[..length];

    [TestCase("password1234", "a common password")]
    [TestCase("qwertyuiop123", "a common password")]
    [TestCase("Dragon2024!!!", "a common password with digits and symbols added")]
    [TestCase("abababababab", "too few different characters")]
    public async Task A_common_or_breached_password_is_refused_with_a_validation_problem(string password, string why)
    {
        using var client = Api.CreateClient();
        var email = NewEmail();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = "N" });

        var problem = await Expect.ValidationError(response, "password");
        Assert.That(problem.GetProperty("errors").GetProperty("password")[0].GetString(), Does.Contain("choose another"), why);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await Expect.Problem(login, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_password_that_is_or_contains_the_email_is_refused()
    {
        using var client = Api.CreateClient();
        var email = NewEmail();
        var namePart = email.Split('@')[0];

        using var same = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = email, displayName = "N" });
        using var containsName = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = namePart + "!x", displayName = "N" });

        await Expect.ValidationError(same, "password");
        var problem = await Expect.ValidationError(containsName, "password");
        Assert.That(problem.GetProperty("errors").GetProperty("password")[0].GetString(), Does.Contain("email"));
    }

    [Test]
    public async Task The_shipped_blocklist_holds_tens_of_thousands_of_breached_passwords()
    {
        var list = await File.ReadAllLinesAsync(Path.Combine(RepositoryLayout.Root, "src/Modules/Identity/Passwords/common-passwords.txt"));
        var passwords = list.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.That(passwords, Has.Count.GreaterThan(40_000));
        Assert.That(passwords, Does.Contain("password").And.Contain("123456").And.Contain("qwertyuiop"));
    }

    [Test]
    public async Task Password_length_bounds_are_12_and_128()
    {
        using var client = Api.CreateClient();
        using var tooLong = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = NewEmail(), password = new string('x', 129), displayName = "N" });
        await Expect.ValidationError(tooLong, "password");
        using var tooShort = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = NewEmail(), password = new string('x', 11), displayName = "N" });
        await Expect.ValidationError(tooShort, "password");

        // Varied characters: a run of one character is refused by the password policy, whatever its length.
        using var shortest = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = NewEmail(), password = Varied(12), displayName = "N" });
        await Expect.Status(shortest, HttpStatusCode.Created);
        using var longest = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = NewEmail(), password = Varied(128), displayName = "N" });
        await Expect.Status(longest, HttpStatusCode.Created);
    }

    [Test]
    public async Task Display_name_longer_than_100_characters_is_rejected()
    {
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = NewEmail(), password = "a long enough password", displayName = new string('n', 101) });
        await Expect.ValidationError(response, "displayName");
    }

    [Test]
    public async Task A_rejected_registration_stores_nothing()
    {
        var email = NewEmail();
        using var client = Api.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "short", displayName = "Nobody" });
        await Expect.ValidationError(response, "password");

        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from identity.users where lower(email) = lower(@email)", connection);
        count.Parameters.AddWithValue("email", email);
        Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(0L));
    }

    [Test]
    public async Task Registration_writes_user_registered_to_the_outbox_in_the_same_transaction()
    {
        var user = await Api.RegisterAsync("Outbox Person");

        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select type, version, payload->>'userId' from identity.outbox_messages where payload->>'userId' = @id", connection);
        command.Parameters.AddWithValue("id", user.Id.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True, "a user.registered message is in the outbox");
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetString(0), Is.EqualTo("user.registered"));
            Assert.That(reader.GetInt32(1), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Concurrent_registrations_of_one_email_create_one_user()
    {
        var email = NewEmail();
        var attempts = Enumerable.Range(0, 6).Select(async i =>
        {
            using var client = Api.CreateClient();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "a long enough password", displayName = $"Racer {i}" });
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.Created), Is.EqualTo(1));
            Assert.That(statuses.Count(s => s == HttpStatusCode.Conflict), Is.EqualTo(5));
        });
    }
}

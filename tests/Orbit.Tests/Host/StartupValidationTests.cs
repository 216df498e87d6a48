using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Host;

public sealed class StartupValidationTests
{
    [TestCase("ConnectionStrings:Postgres", "", "ConnectionStrings:Postgres")]
    [TestCase("Jwt:SigningKey", "", "Jwt:SigningKey")]
    [TestCase("Jwt:SigningKey", "too-short", "Jwt:SigningKey")]
    [TestCase("Bootstrap:AdminPassword", "short", "Bootstrap:AdminPassword")]
    [TestCase("RateLimiting:Api:WindowSeconds", "0", "RateLimiting:Api")]
    public void A_missing_or_bad_setting_stops_start_up_with_a_message_naming_it(string setting, string value, string named)
    {
        var api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?> { [setting] = value });

        var failure = Assert.CatchAsync(api.StartAsync);

        Assert.That(failure!.ToString(), Does.Contain(named));
        api.Dispose();
    }

    [Test]
    public async Task Empty_bootstrap_settings_mean_no_bootstrap_admin_rather_than_a_failure()
    {
        await using var api = new OrbitApi(TestPostgres.SharedDatabase, new Dictionary<string, string?>
        {
            ["Bootstrap:AdminEmail"] = "",
            ["Bootstrap:AdminPassword"] = "",
        });
        await api.StartAsync();
    }
}

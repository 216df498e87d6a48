namespace Orbit.Tests.Web;

/// <summary>
/// The web app's own checks, run as part of README's one test command. Each is an npm script in src/Web; the
/// assertion carries what went wrong, so a failure reads like one in the .NET tests.
/// </summary>
public sealed class WebAppCheckTests
{
    [Test]
    public Task The_web_unit_and_component_tests_pass() =>
        WebAppNpm.AssertVitestPassesAsync("test", [], TimeSpan.FromMinutes(10));

    [Test]
    public async Task The_generated_API_client_is_not_stale_against_the_OpenAPI_snapshot()
    {
        var outcome = await WebAppNpm.RunAsync(["run", "check:api"], TimeSpan.FromMinutes(3));
        Assert.That(outcome.Succeeded, Is.True, () =>
            "src/Web/src/api/schema.d.ts does not match docs/openapi/v1.json: run `npm run generate:api` in src/Web. " + outcome.Describe());
    }

    [Test]
    public async Task The_web_app_typechecks()
    {
        var outcome = await WebAppNpm.RunAsync(["run", "typecheck"], TimeSpan.FromMinutes(5));
        Assert.That(outcome.Succeeded, Is.True, outcome.Describe);
    }

    [Test]
    public async Task The_web_app_has_no_type_assertion_and_no_any()
    {
        // A cast would hide exactly the drift between the app and the OpenAPI document that the typecheck exists to catch.
        var outcome = await WebAppNpm.RunAsync(["run", "check:casts"], TimeSpan.FromMinutes(2));
        Assert.That(outcome.Succeeded, Is.True, outcome.Describe);
    }

    [Test]
    public async Task The_initial_JavaScript_stays_within_its_gzip_budget()
    {
        var outcome = await WebAppNpm.RunAsync(["run", "check:budget"], TimeSpan.FromMinutes(2));
        Assert.That(outcome.Succeeded, Is.True, outcome.Describe);
    }
}

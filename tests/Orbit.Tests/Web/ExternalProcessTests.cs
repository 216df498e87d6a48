using Orbit.Tests.Infrastructure;

namespace Orbit.Tests.Web;

/// <summary>The runner behind the npm-based tests: what it reports must be true, or their failures mislead.</summary>
public sealed class ExternalProcessTests
{
    [Test]
    public async Task A_finished_process_reports_its_exit_code_and_both_output_streams()
    {
        var outcome = await ExternalProcess.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], Path.GetTempPath(), TimeSpan.FromMinutes(1));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(3));
            Assert.That(outcome.TimedOut, Is.False);
            Assert.That(outcome.Output, Does.Contain("out").And.Contain("err"));
        });
    }

    [Test]
    public async Task A_process_past_its_deadline_is_killed_with_its_children_and_reported_as_timed_out()
    {
        var outcome = await ExternalProcess.RunAsync("sh", ["-c", "echo started; sleep 600 & wait"], Path.GetTempPath(), TimeSpan.FromSeconds(2));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.TimedOut, Is.True);
            Assert.That(outcome.Succeeded, Is.False);
            Assert.That(outcome.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
            Assert.That(outcome.Output, Does.Contain("started"));
            Assert.That(outcome.Describe(), Does.Contain("did not finish"));
        });
    }

    [Test]
    public async Task A_missing_program_is_a_failed_outcome_that_says_so()
    {
        var outcome = await ExternalProcess.RunAsync("orbit-no-such-program", [], Path.GetTempPath(), TimeSpan.FromSeconds(10));

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Output, Does.Contain("could not start"));
    }
}

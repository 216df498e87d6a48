using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orbit.Tests.Infrastructure;

/// <summary>
/// Lets the test assemblies of one checkout take turns. <c>dotnet test App.sln</c> runs every test project at the
/// same time (one MSBuild node each, as many as there are cores), and each would start its own PostgreSQL cluster and
/// hosts and run four fixtures at once: on a small machine the timing-sensitive tests (an SSE stream that must end
/// within seconds, webhook retries, <see cref="Eventually"/> deadlines) would then share the cores with five other
/// suites. The turn is an exclusive lock on a file in the temp folder named after the checkout, taken before the
/// cluster starts and given back after it stops; the operating system releases it if a test process dies. Builds
/// still run in parallel, and other checkouts on the machine are not held up.
/// <c>ORBIT_TEST_ASSEMBLIES_AT_ONCE</c> (default 1) allows that many assemblies at a time on a bigger machine.
/// </summary>
public sealed class TestAssemblyTurn : IDisposable
{
    private readonly FileStream _lock;

    private TestAssemblyTurn(FileStream lockFile) => _lock = lockFile;

    public static async Task<TestAssemblyTurn> TakeAsync(string assembly)
    {
        var slots = int.TryParse(Environment.GetEnvironmentVariable("ORBIT_TEST_ASSEMBLIES_AT_ONCE"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var checkout = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryLayout.Root)))[..12];
        var waited = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                var path = Path.Combine(Path.GetTempPath(), $"orbit-tests-{checkout}-turn{slot}.lock");
                try
                {
                    // On Unix, FileShare.None is an exclusive advisory lock (flock) that a second opener fails to get.
                    var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    if (told)
                    {
                        TestContext.Progress.WriteLine($"{assembly}: my turn after {waited.Elapsed.TotalSeconds:F0} s");
                    }

                    return new TestAssemblyTurn(file);
                }
                catch (IOException)
                {
                    // Another test assembly of this checkout holds this slot.
                }
            }

            if (!told)
            {
                TestContext.Progress.WriteLine($"{assembly}: waiting for the other test assemblies of this checkout to finish (one at a time; ORBIT_TEST_ASSEMBLIES_AT_ONCE)");
                told = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public void Dispose() => _lock.Dispose();
}

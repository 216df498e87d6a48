using Orbit.Host.Composition;
using Orbit.Shared.Modules;

namespace Orbit.ArchitectureTests;

public sealed class ModulePagesTests
{
    private static IEnumerable<TestCaseData> Modules() =>
        OrbitModules.All.Select(module => new TestCaseData(module).SetArgDisplayNames(module.Name));

    internal static string Root { get; } = FindRoot();

    internal static IReadOnlyCollection<string> KnownEventTypes =>
        [.. OrbitModules.All.SelectMany(m => ModuleFacts.Of(m, OrbitModules.All).Publishes).Distinct()];

    internal static string? PageOf(string module)
    {
        var path = Path.Combine(Root, "src", "Modules", module, "README.md");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    [TestCaseSource(nameof(Modules))]
    public void Every_module_has_a_page_that_says_what_its_code_does(IModule module) =>
        Assert.That(ModulePages.Violations(ModuleFacts.Of(module, OrbitModules.All), PageOf(module.Name), KnownEventTypes), Is.Empty);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "App.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No App.sln above {AppContext.BaseDirectory}: the tests must run from a checkout.");
    }
}

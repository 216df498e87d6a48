using Orbit.Host.Composition;

namespace Orbit.ArchitectureTests;

/// <summary>
/// A module team runs its module's tests alone (tests/README.md): every module has its own test project in the
/// solution, and no module's tests are left in the host project.
/// </summary>
public sealed class TestLayoutTests
{
    private static readonly string Root = FindRoot();

    [Test]
    public void Every_module_has_a_test_project_in_the_solution() =>
        Assert.That(ModulesWithoutTestProject(OrbitModules.All.Select(m => m.Name)), Is.Empty);

    [Test]
    public void The_host_test_project_has_no_folder_named_after_a_module() =>
        Assert.That(ModuleFoldersInHostTests(OrbitModules.All.Select(m => m.Name)), Is.Empty);

    [Test]
    public void The_test_project_rule_flags_a_module_without_one() =>
        Assert.That(ModulesWithoutTestProject(["Offending"]), Is.EqualTo(new[] { "Offending" }));

    [Test]
    public void The_host_folder_rule_flags_a_folder_named_after_a_module() =>
        // tests/Orbit.Tests/Host exists: called a module, it is flagged.
        Assert.That(ModuleFoldersInHostTests(["Host"]), Has.Some.Contains("Host"));

    /// <summary>Modules with no tests/Modules/&lt;Name&gt;.Tests/&lt;Name&gt;.Tests.csproj listed in App.sln.</summary>
    private static List<string> ModulesWithoutTestProject(IEnumerable<string> modules)
    {
        var solution = File.ReadAllText(Path.Combine(Root, "App.sln")).Replace('\\', '/');
        return modules
            .Where(name => !File.Exists(Path.Combine(Root, "tests", "Modules", $"{name}.Tests", $"{name}.Tests.csproj"))
                           || !solution.Contains($"\"tests/Modules/{name}.Tests/{name}.Tests.csproj\"", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Folders of tests/Orbit.Tests named after a module that hold C# files (tests that belong in the module's project).</summary>
    private static List<string> ModuleFoldersInHostTests(IEnumerable<string> modules) =>
        modules
            .Select(name => Path.Combine(Root, "tests", "Orbit.Tests", name))
            .Where(folder => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Any())
            .Select(folder => Path.GetRelativePath(Root, folder))
            .ToList();

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

using System.Text.RegularExpressions;

namespace Orbit.ArchitectureTests;

/// <summary>
/// The image restores from the project files alone (Dockerfile, build stage), then publishes with <c>--no-restore</c>:
/// a project under src/ that the restore stage does not copy is missing from the restore, and the image does not
/// build. The host takes every module by a wildcard, so a new module is built at once and easily forgotten there. No
/// Docker engine runs here, so the file is read.
/// </summary>
public sealed partial class DockerfileTests
{
    [Test]
    public void The_restore_stage_copies_every_project_under_src() =>
        Assert.That(ProjectsNotCopied(File.ReadAllText(Path.Combine(ModulePagesTests.Root, "Dockerfile"))), Is.Empty);

    [Test]
    public void The_rule_flags_a_project_the_restore_stage_does_not_copy() =>
        Assert.That(
            ProjectsNotCopied("COPY src/Host/Host.csproj src/Host/WebApp.targets src/Host/\nCOPY src/Shared/Shared.csproj src/Shared/\n"),
            Has.Member("src/Modules/Webhooks/Webhooks.csproj"));

    private static List<string> ProjectsNotCopied(string dockerfile)
    {
        var copied = CopyLine().Matches(dockerfile).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        return Directory.EnumerateFiles(Path.Combine(ModulePagesTests.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(ModulePagesTests.Root, p).Replace('\\', '/'))
            .Where(p => !p.Contains("/node_modules/", StringComparison.Ordinal) && !copied.Contains(p))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // "COPY a b c dest/": the sources are every path but the last.
    [GeneratedRegex(@"^COPY (?!--)(?<sources>(?:\S+ )+)\S+\s*$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}

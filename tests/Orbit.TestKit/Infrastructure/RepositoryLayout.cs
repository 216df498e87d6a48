namespace Orbit.Tests.Infrastructure;

/// <summary>Where the checkout is, found from the test assembly's folder (tests/**/bin/...).</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string WebDirectory => Path.Combine(Root, "src", "Web");

    /// <summary>Test output nobody commits (TestResults/ is git-ignored).</summary>
    public static string TestResults => Path.Combine(Root, "TestResults");

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

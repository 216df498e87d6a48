using System.Diagnostics;
using System.Text;

namespace Orbit.Tests.Infrastructure;

/// <summary>What a finished (or abandoned) external process left behind.</summary>
public sealed record ProcessOutcome(string CommandLine, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>The end of the output, which is where tools put their verdict; whole logs drown an assertion.</summary>
    public string OutputTail(int characters = 6000) =>
        Output.Length <= characters ? Output : "[...]\n" + Output[^characters..];

    public string Describe() => TimedOut
        ? $"`{CommandLine}` did not finish within {Elapsed.TotalSeconds:F0} s and was killed. Output:\n{OutputTail()}"
        : $"`{CommandLine}` exited with {ExitCode} after {Elapsed.TotalSeconds:F0} s. Output:\n{OutputTail()}";
}

/// <summary>
/// Runs a tool (npm, mostly) to completion with a deadline, capturing stdout and stderr interleaved as they arrive.
/// On the deadline the whole process tree is killed (npm starts node, which may start Chromium).
/// </summary>
public static class ExternalProcess
{
    public static async Task<ProcessOutcome> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        var commandLine = string.Join(' ', arguments.Prepend(fileName));
        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessOutcome(commandLine, -1, false, watch.Elapsed, $"could not start {fileName}: {e.Message} (is it installed and on the PATH?)");
        }

        // Nothing is ever typed into it; a tool waiting for input should see end of file, not hang.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        // The parameterless wait also waits for the asynchronous output handlers to drain.
        process.WaitForExit();
        string captured;
        lock (output)
        {
            captured = output.ToString();
        }

        return new ProcessOutcome(commandLine, timedOut ? -1 : process.ExitCode, timedOut, watch.Elapsed, captured);
    }
}

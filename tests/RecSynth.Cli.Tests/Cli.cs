using System.Diagnostics;
using System.Text;

namespace RecSynth.Cli.Tests;

/// <summary>What one run of the tool did.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The "recsynth: error: …" messages on stderr (a message may continue on indented lines).</summary>
    public int ErrorCount => StdErr.Split('\n').Count(l => l.StartsWith("recsynth: error:", StringComparison.Ordinal));

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>
/// Runs the tool: in-process through <see cref="RecSynthApp.RunAsync"/> (fast: messages, files), or as a child process
/// of the built apphost next to the test assembly (exit codes of the real process, signals, environment variables).
/// </summary>
internal static class Cli
{
    public static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs the command tree in this process with stdout and stderr captured (stderr is not a terminal).</summary>
    public static async Task<CliResult> RunAsync(params string[] args) => await RunUntilAsync(TestContext.Current.CancellationToken, args);

    /// <summary>Runs the command tree in this process with a given cancellation token.</summary>
    public static async Task<CliResult> RunUntilAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await RecSynthApp.RunAsync(args, stdout, stderr, cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the tool as a child process and waits for it; fails the test if it does not finish in time.</summary>
    public static CliResult RunProcess(string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = ChildProcess.Start(args, workingDirectory, environment);
        return child.WaitForExit(ProcessTimeout);
    }

    /// <summary>
    /// How to start the built tool (or another program built next to the test assembly): its apphost when there is one,
    /// else <c>dotnet PROGRAM.dll</c>.
    /// </summary>
    public static ProcessStartInfo StartInfo(string[] args, string program = "RecSynth.Cli")
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? program + ".exe" : program);
        string dll = Path.Combine(AppContext.BaseDirectory, program + ".dll");
        ProcessStartInfo start;
        if (File.Exists(apphost))
        {
            start = new ProcessStartInfo(apphost);
        }
        else
        {
            Assert.True(File.Exists(dll), $"the built {program} is not next to the test assembly: neither {apphost} nor {dll} exists");
            start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
            start.ArgumentList.Add(dll);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        return start;
    }
}

/// <summary>A running child process of the tool, its stdout and stderr collected line by line as they arrive.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _firstProgressLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StdErrSoFar
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ChildProcess Start(string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string program = "RecSynth.Cli")
    {
        var start = Cli.StartInfo(args, program);
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        // A clean slate for the knobs a test may set.
        start.Environment.Remove("DOTNET_GCHeapHardLimit");
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stdout)
                {
                    child._stdout.Append(e.Data).Append('\n');
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Append(e.Data).Append('\n');
                }

                if (e.Data.StartsWith("recsynth: ", StringComparison.Ordinal) && !e.Data.StartsWith("recsynth: error:", StringComparison.Ordinal))
                {
                    child._firstProgressLine.TrySetResult(e.Data);
                }
            }
        };
        Assert.True(process.Start(), "could not start the CLI");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the first progress line on stderr; null when the process exits or the time runs out first.</summary>
    public string? WaitForFirstProgressLine(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_firstProgressLine.Task.Wait(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken))
            {
                return _firstProgressLine.Task.Result;
            }

            if (_process.HasExited)
            {
                return _firstProgressLine.Task.IsCompleted ? _firstProgressLine.Task.Result : null;
            }
        }

        return null;
    }

    /// <summary>Sends a POSIX signal with /bin/kill (no native interop needed).</summary>
    public void Signal(string signal)
    {
        string kill = File.Exists("/bin/kill") ? "/bin/kill" : "/usr/bin/kill";
        var start = new ProcessStartInfo(kill) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var killer = Process.Start(start)!;
        string error = killer.StandardError.ReadToEnd();
        killer.WaitForExit();
        Assert.True(killer.ExitCode == 0, $"{kill} -{signal} {_process.Id} failed: {error}");
    }

    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            Assert.Fail($"recsynth did not finish within {timeout} and was killed.\n--- stderr so far ---\n{StdErrSoFar}");
        }

        _process.WaitForExit(); // drains the redirected streams
        string stdout;
        lock (_stdout)
        {
            stdout = _stdout.ToString();
        }

        return new CliResult(_process.ExitCode, stdout, StdErrSoFar);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

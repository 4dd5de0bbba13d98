using System.Diagnostics;

namespace RecSynth.Testing;

/// <summary>
/// Runs Debian's Python (/usr/bin/python3, which has python3-numpy and python3-pandas in CI). Tests that need it
/// skip when it is missing on a developer machine, and fail instead when the environment variable CI is "true".
/// </summary>
internal static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string?> s_missing = new(() =>
    {
        if (!System.IO.File.Exists(Interpreter))
        {
            return $"{Interpreter} not found";
        }

        var (code, _, error) = RunProcess(Interpreter, ["-c", "import numpy, pandas"], TimeSpan.FromSeconds(60));
        return code == 0 ? null : $"{Interpreter} cannot import numpy and pandas: {error.Trim()}";
    });

    /// <summary>Skips the test when Python with numpy and pandas is missing, unless CI=true, where it fails.</summary>
    public static void Require()
    {
        if (s_missing.Value is { } why)
        {
            if (Ci.IsRunning)
            {
                Assert.Fail("CI=true but Python interop cannot run: " + why + ". Install python3-numpy and python3-pandas.");
            }

            Assert.Skip("Python interop skipped on this machine: " + why);
        }
    }

    /// <summary>Runs a script; fails the test with Python's stderr when it exits non-zero. Returns stdout.</summary>
    public static string Run(string script, params string[] args)
    {
        Require();
        var (code, output, error) = RunProcess(Interpreter, ["-c", script, .. args], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"python exited with {code}:\n{error}\n{output}");
        return output;
    }

    private static (int Code, string Output, string Error) RunProcess(string file, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}

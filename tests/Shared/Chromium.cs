using System.Diagnostics;

namespace RecSynth.Testing;

/// <summary>
/// Runs Debian's headless Chromium (package <c>chromium</c>, which .ci/run installs). Tests that need it skip when it
/// is missing on a developer machine, and fail instead when the environment variable CI is "true".
/// </summary>
internal static class Chromium
{
    public const string Browser = "/usr/bin/chromium";

    /// <summary>Skips the test when Chromium is missing, unless CI=true, where it fails.</summary>
    public static void Require()
    {
        if (!File.Exists(Browser))
        {
            if (Ci.IsRunning)
            {
                Assert.Fail($"CI=true but {Browser} is missing: install the Debian package chromium.");
            }

            Assert.Skip($"headless Chromium skipped on this machine: {Browser} not found");
        }
    }

    /// <summary>
    /// Loads a local page headless, lets its scripts run until the page is idle (virtual time), and returns the DOM as
    /// serialised then. Fails the test when Chromium exits non-zero or prints no DOM.
    /// </summary>
    public static string DumpDom(string file, string profileFolder)
    {
        Require();
        var start = new ProcessStartInfo(Browser) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions", "--disable-background-networking",
            "--user-data-dir=" + profileFolder, "--virtual-time-budget=10000", "--dump-dom", new Uri(Path.GetFullPath(file)).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Browser} did not finish within 2 minutes");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && output.Result.Length > 0, $"{Browser} exited with {process.ExitCode}:\n{error.Result}");
        return output.Result;
    }
}

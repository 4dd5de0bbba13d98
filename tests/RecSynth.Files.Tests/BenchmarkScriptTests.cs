using System.Diagnostics;
using System.Text.RegularExpressions;
using RecSynth.Files.Config;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>What docs/benchmarks.md tells a reader to run: its configs load, and bench/compare.py checks its baseline first.</summary>
public sealed class BenchmarkScriptTests
{
    [Fact]
    public void Every_config_the_benchmarks_use_is_in_the_repository_and_valid()
    {
        string docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "benchmarks.md"));
        string[] named = [.. Regex.Matches(docs, @"-c (\S+\.toml)").Select(m => m.Groups[1].Value).Distinct()];

        Assert.NotEmpty(named);
        foreach (string config in named.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "bench"), "*.toml").Select(f => Path.GetRelativePath(Repository.Root, f))))
        {
            string path = Path.Combine(Repository.Root, config);
            Assert.True(File.Exists(path), $"docs/benchmarks.md runs -c {config}, which is not in the repository");
            ConfigFile.Load(path); // throws, naming the line, on anything invalid
        }

        var threeYears = ConfigFile.Load(Path.Combine(Repository.Root, "bench", "three-years.toml"));
        Assert.Equal(3 * 365 + 1, (threeYears.Time.End - threeYears.Time.Start).TotalDays); // 2024 is a leap year
    }

    [Fact]
    public void Compare_py_stops_before_publishing_anything_when_the_baseline_is_missing()
    {
        Python.Require();
        string missing = Path.Combine(Path.GetTempPath(), "no-baseline-" + Guid.NewGuid().ToString("N"), "gen_baseline.py");
        var start = new ProcessStartInfo(Python.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var scratch = new TempDirectory("compare-py");
        foreach (string arg in new[] { Path.Combine(Repository.Root, "bench", "compare.py"), "--workloads", "W1", "--rounds", "1", "--baseline", missing, "--scratch", scratch.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "compare.py did not stop");

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"{missing} does not exist", error, StringComparison.Ordinal);
        Assert.Contains("../shared/bench/baseline/gen_baseline.py", error, StringComparison.Ordinal); // says where it comes from
        Assert.DoesNotContain("machine:", output, StringComparison.Ordinal); // nothing was run
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path)); // nor published (the builds go into the scratch folder)
    }
}

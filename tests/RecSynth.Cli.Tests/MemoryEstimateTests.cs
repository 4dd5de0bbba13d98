using System.Diagnostics;
using System.Globalization;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Issue 14 §1: the memory estimate a run checks before it starts stays true: `generate --preset medium` (a year of
/// 100,000 users on 100,000 products, the preset as it is) peaks below it, measured on the process itself (its
/// resident high-water mark, VmHWM), and the estimate is not so loose as to refuse runs that fit. About a minute.
/// </summary>
public sealed class MemoryEstimateTests
{
    [Fact]
    public void The_medium_presets_measured_peak_is_within_its_estimate()
    {
        Assert.SkipUnless(File.Exists("/proc/self/status"), "the peak is read from /proc (Linux)");
        using var temp = new TempDirectory("estimate");
        string output = temp.Sub("medium");

        var dry = Cli.RunProcess(["generate", "--preset", "medium", "--threads", "2", "--dry-run", "-o", output]);
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("nothing was written", dry.StdOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        long estimate = DatasetGenerator.Estimate(RecSynthOptions.FromPreset(Preset.Medium), new GenerateOptions { Directory = output, Threads = 2 }).MemoryBytes;

        using var child = ChildProcess.Start(["generate", "--preset", "medium", "--threads", "2", "--quiet", "-o", output]);
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            peak = Math.Max(peak, HighWaterMark(child.Id) ?? 0); // the mark only grows: the last read before the exit is the peak but for its last moments
            Thread.Sleep(25);
        }

        var result = child.WaitForExit(TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(peak > 256L << 20, $"a peak of {peak >> 20} MiB was read: the run was not measured");
        Assert.True(peak <= estimate, $"measured peak {peak >> 20} MiB is above the estimate of {estimate >> 20} MiB");
        Assert.True(estimate <= 2 * peak, $"the estimate of {estimate >> 20} MiB is more than twice the measured peak of {peak >> 20} MiB");
    }

    /// <summary>The process's resident high-water mark in bytes, or null once it has gone.</summary>
    private static long? HighWaterMark(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone between the check and the read.
        }

        return null;
    }
}

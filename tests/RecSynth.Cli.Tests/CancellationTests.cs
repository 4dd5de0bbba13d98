using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM stop a run with exit code 130 and leave no partial dataset. The workload is a catalogue
/// large enough that its embeddings take seconds to write; the signal is sent as soon as the first progress line (the
/// products.csv line) appears, while embeddings.npy is still being written into the staging folder.
/// </summary>
public sealed class CancellationTests
{
    /// <summary>About 0.5 s to build the products, then several seconds of embeddings (600 MB) on a 2-core machine.</summary>
    private static readonly string[] s_slowCatalog = ["generate", "--products", "300000", "--stage", "catalog"];

    private static readonly TimeSpan s_firstLineTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts a slow generate, signals it once it is writing, and returns what it did.</summary>
    private static CliResult Interrupt(string signal, string output, params string[] extra)
    {
        using var child = ChildProcess.Start([.. s_slowCatalog, "-o", output, .. extra]);
        string? firstLine = child.WaitForFirstProgressLine(s_firstLineTimeout);
        if (firstLine is null)
        {
            var early = child.HasExited ? child.WaitForExit(TimeSpan.FromSeconds(5)) : null;
            Assert.Fail(early is null
                ? $"no progress line within {s_firstLineTimeout}; stderr so far:\n{child.StdErrSoFar}"
                : $"recsynth exited before it printed progress, so no signal was sent:\n{early}");
        }

        Assert.False(child.HasExited, $"recsynth finished before the {signal} could be sent: use a bigger workload than {string.Join(' ', s_slowCatalog)}.\n{child.StdErrSoFar}");
        Assert.True(Directory.Exists(Path.Combine(output, Datasets.Staging)), "the run is under way, so its staging folder should exist");
        child.Signal(signal);
        var result = child.WaitForExit(Cli.ProcessTimeout);
        Assert.False(
            result.ExitCode == 0,
            $"recsynth completed although it was sent {signal}: the workload finished before the signal took effect; use a bigger workload.\n{result}");
        return result;
    }

    private static void AssertCancelled(CliResult result)
    {
        Assert.True(result.ExitCode == 130, $"expected exit code 130, got {result}");
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains("cancelled", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut); // no summary for a dataset that was not written
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_during_generate_exits_130_and_the_new_output_folder_is_gone(string signal)
    {
        using var temp = new TempDirectory("sig");
        string output = temp.Sub("data");

        var result = Interrupt(signal, output);

        AssertCancelled(result);
        Datasets.AssertNotCreated(output, result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path)); // no staging folder, no stray file
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_signal_during_a_forced_regeneration_leaves_the_previous_dataset_intact(string signal)
    {
        using var temp = new TempDirectory("sig");
        string output = temp.Sub("data");
        var first = await Cli.RunAsync("generate", "--preset", "seed", "-o", output, "--quiet");
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = Datasets.Snapshot(output);

        var result = Interrupt(signal, output, "--force");

        AssertCancelled(result);
        Assert.Equal(before, Datasets.Snapshot(output)); // same files, same bytes, no staging folder
        Datasets.AssertComplete(output, Datasets.All); // the manifest's SHA-256s still match, the behaviour stage is still there
        Assert.Equal(1000, Datasets.ManifestStage(output, "catalog").Counts["products"]);
    }

    /// <summary>Stderr that cancels a token at the first progress line, as Ctrl+C would mid-run.</summary>
    private sealed class CancelAtFirstProgress(CancellationTokenSource cancellation) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains("rows/s", StringComparison.Ordinal))
            {
                _ = cancellation.CancelAsync();
            }
        }
    }

    [Fact]
    public async Task Cancelling_in_process_mid_run_returns_130_and_leaves_no_folder()
    {
        using var temp = new TempDirectory("cancel");
        string output = temp.Sub("data");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var stdout = new StringWriter();
        using var stderr = new CancelAtFirstProgress(cancellation);

        int code = await RecSynthApp.RunAsync(["generate", "--products", "200000", "--stage", "catalog", "-o", output], stdout, stderr, cancellation.Token);

        var result = new CliResult(code, stdout.ToString(), stderr.ToString());
        Assert.True(cancellation.IsCancellationRequested, $"no progress line was printed, so nothing was cancelled:\n{result}");
        AssertCancelled(result);
        Datasets.AssertNotCreated(output, result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task A_run_cancelled_before_it_starts_returns_130_and_writes_nothing()
    {
        using var temp = new TempDirectory("cancel");
        string output = temp.Sub("data");

        var result = await Cli.RunUntilAsync(new CancellationToken(canceled: true), "generate", "--preset", "seed", "-o", output);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("", result.StdOut);
        Datasets.AssertNotCreated(output, result);
    }
}

using System.Globalization;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary>What push prints: progress per table on stderr, a summary on stdout, nothing with --quiet; resume refusals.</summary>
public sealed class PushOutputTests(SmallDataset dataset)
{
    [Fact]
    public async Task Progress_names_each_table_with_rows_rate_and_retries_on_stderr_and_the_summary_goes_to_stdout()
    {
        using var temp = new TempDirectory("push-progress");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--batch-size", "100");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ExpectedState.Of(folder, withEmbeddings: false);
        foreach (var (table, rows) in new[] { ("users", expected.Users.Count), ("items", expected.Items.Count), ("feedback", expected.Feedback.Count) })
        {
            string total = rows.ToString("N0", CultureInfo.InvariantCulture);
            string done = result.StdErr.Split('\n').Single(l => l.StartsWith($"recsynth: {table} {total}/{total} rows (100%)", StringComparison.Ordinal));
            Assert.Contains(" rows/s, 0 retries, done in ", done, StringComparison.Ordinal);
            int batches = (rows + 99) / 100;
            Assert.Contains($"{table}: {total} rows, {batches} batches sent, 0 skipped (resume), 0 retries", result.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Quiet_prints_nothing_on_success()
    {
        using var temp = new TempDirectory("push-quiet");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--quiet", "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Equal("", result.StdErr);
        Assert.NotEmpty(server.Store.Feedback);
    }

    [Fact]
    public async Task Resume_with_another_batch_size_is_refused_before_any_request()
    {
        using var temp = new TempDirectory("push-resume-other");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        Assert.Equal(0, (await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--batch-size", "50", "--quiet")).ExitCode);
        int before = server.Requests.Count;

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--batch-size", "60", "--resume");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(GorsePush.CheckpointFileName, result.StdErr, StringComparison.Ordinal);
        Assert.Contains("without --resume", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, server.Requests.Count);
    }

    [Fact]
    public async Task Resuming_a_finished_push_sends_nothing()
    {
        using var temp = new TempDirectory("push-resume-done");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        Assert.Equal(0, (await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--quiet")).ExitCode);
        int before = server.Requests.Count;

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--resume", "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["/api/health/ready"], server.Requests.Skip(before).Select(r => r.Path));
    }
}

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
            // Within 80 columns: the percentage and the retries give way to the rate when the line is long.
            string done = result.StdErr.Split('\n').Single(l => l.StartsWith($"recsynth: {table} {total}/{total} rows", StringComparison.Ordinal));
            Assert.Matches(@" rows/s(, 0 retries)?, done in \d+:\d\d$", done);
            Assert.True(done.Length <= 80, done);
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

    /// <summary>The option or file that differs from the checkpoint's push, and what the refusal must say about it.</summary>
    public static TheoryData<string, string[], string[], string[]> ResumeDifferences => new()
    {
        { "batch size", ["--batch-size", "50"], ["--batch-size", "60"], ["the checkpoint was made with --batch-size 50; this run has --batch-size 60", "pass --batch-size 50 or drop --resume"] },
        { "url", [], ["--url", "http://127.0.0.1:{closed}/"], ["the checkpoint was made with --url {url}; this run has --url http://127.0.0.1:{closed}/", "pass --url {url} or drop --resume"] },
        { "embeddings on", [], ["--with-embeddings"], ["the checkpoint was made without --with-embeddings; this run has it", "leave out --with-embeddings or drop --resume"] },
        { "ground truth off", ["--with-ground-truth"], [], ["the checkpoint was made with --with-ground-truth; this run has not", "pass --with-ground-truth or drop --resume"] },
        { "file", [], ["touch", "products.csv"], ["products.csv has changed since the checkpoint was made", "drop --resume to push everything again"] },
    };

    [Theory]
    [MemberData(nameof(ResumeDifferences))]
    public async Task Resume_of_another_push_is_refused_before_any_request_naming_what_differs_and_what_to_pass(string what, string[] first, string[] second, string[] expected)
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-resume-other", first);
        string folder = pushed.Folder, url = pushed.Url;
        string closed = Ports.Unused().ToString(CultureInfo.InvariantCulture);
        string[] Fill(string[] args) => [.. args.Select(a => a.Replace("{url}", url, StringComparison.Ordinal).Replace("{closed}", closed, StringComparison.Ordinal))];
        int before = pushed.Server.Requests.Count;
        if (second is ["touch", var file])
        {
            File.SetLastWriteTimeUtc(Path.Combine(folder, file), File.GetLastWriteTimeUtc(Path.Combine(folder, file)).AddMinutes(1));
            second = [];
        }

        string[] args = ["push", folder, "--resume", .. second.Contains("--url") ? [] : new[] { "--url", url }, .. Fill(second)];

        var result = await Tool.RunAsync(args);

        Assert.True(result.ExitCode == 2, $"{what}: {result}");
        Assert.Contains(GorsePush.CheckpointFileName, result.StdErr, StringComparison.Ordinal);
        foreach (string phrase in Fill(expected))
        {
            Assert.Contains(phrase, result.StdErr, StringComparison.Ordinal);
        }

        Assert.Equal(before, pushed.Server.Requests.Count);
    }

    [Fact]
    public async Task Resume_and_verify_of_a_finished_push_reports_no_rate_for_the_tables_it_did_not_send()
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-resume-rate");

        var result = await Tool.RunAsync("push", pushed.Folder, "--url", pushed.Url, "--resume", "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string table in GorsePush.Tables)
        {
            string summary = result.StdOut.Split('\n').Single(l => l.StartsWith($"{table}: ", StringComparison.Ordinal));
            Assert.DoesNotContain("rows/s", summary, StringComparison.Ordinal);
            Assert.Contains("nothing sent", summary, StringComparison.Ordinal);
            Assert.All(result.StdErr.Split('\n').Where(l => l.StartsWith($"recsynth: {table} ", StringComparison.Ordinal)), l => Assert.DoesNotContain("rows/s", l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_resumed_push_counts_only_the_rows_it_sent()
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-resume-part", "--batch-size", "25");
        string checkpoint = Path.Combine(pushed.Folder, GorsePush.CheckpointFileName);
        var state = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(checkpoint, TestContext.Current.CancellationToken))!;
        state["Acknowledged"]!["feedback"] = "0-9"; // as if the push had stopped after ten feedback batches
        await File.WriteAllTextAsync(checkpoint, state.ToJsonString(), TestContext.Current.CancellationToken);
        int feedback = ExpectedState.Of(pushed.Folder, withEmbeddings: false).Feedback.Count;

        var result = await Tool.RunAsync("push", pushed.Folder, "--url", pushed.Url, "--batch-size", "25", "--resume");

        Assert.True(result.ExitCode == 0, result.ToString());
        string summary = result.StdOut.Split('\n').Single(l => l.StartsWith("feedback: ", StringComparison.Ordinal));
        Assert.Contains($"{feedback - 250:N0} rows sent (", summary, StringComparison.Ordinal);
        Assert.Contains(" rows/s)", summary, StringComparison.Ordinal);
        Assert.Contains("nothing sent", result.StdOut.Split('\n').Single(l => l.StartsWith("users: ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_shows_its_progress_per_table_on_stderr()
    {
        using var temp = new TempDirectory("push-verify-progress");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--verify");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ExpectedState.Of(folder, withEmbeddings: false);
        foreach (var (table, rows) in new[] { ("users", expected.Users.Count), ("items", expected.Items.Count), ("feedback", expected.Feedback.Count) })
        {
            string total = rows.ToString("N0", CultureInfo.InvariantCulture);
            string done = Assert.Single(result.StdErr.Split('\n'), l => l.StartsWith($"recsynth: verify {table} {total}/{total} rows (100%), ", StringComparison.Ordinal));
            Assert.Contains("done in ", done, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Resuming_a_finished_push_sends_nothing()
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-resume-done");
        int before = pushed.Server.Requests.Count;

        var result = await Tool.RunAsync("push", pushed.Folder, "--url", pushed.Url, "--resume", "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["/api/health/ready"], pushed.Server.Requests.Skip(before).Select(r => r.Path));
    }
}

using RecSynth.Cli.Tests;
using Tool = RecSynth.Cli.Tests.Cli;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary><c>recsynth push</c> end to end against the test server: kill -9 and Ctrl+C with resume, a wrong API key, verify.</summary>
public sealed class PushCliTests(SmallDataset dataset)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    /// <summary>Starts a slow push (25 rows per batch, one at a time, 20 ms per request) and signals it after a few feedback batches.</summary>
    private static CliResult InterruptDuringFeedback(GorseTestServer server, string folder, string signal)
    {
        using var child = ChildProcess.Start(["push", folder, "--url", server.Endpoint.ToString(), "--batch-size", "25", "--concurrency", "1", "--quiet"]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (server.Requests.Count(r => r.Path == "/api/feedback") < 5)
        {
            if (child.HasExited)
            {
                Assert.Fail($"the push ended before it was interrupted:\n{child.WaitForExit(s_wait)}");
            }

            Assert.True(clock.Elapsed < s_wait, $"no feedback batches within {s_wait}:\n{child.StdErrSoFar}");
            Thread.Sleep(5);
        }

        child.Signal(signal);
        var result = child.WaitForExit(s_wait);
        Assert.False(result.ExitCode == 0, $"the push completed although it was sent {signal}: make it slower.\n{result}");
        Assert.True(server.Requests.Count(r => r.Path == "/api/feedback") < 40, "the push was nearly done when it was interrupted: the test proves little");
        return result;
    }

    private static CliResult Resume(GorseTestServer server, string folder) =>
        Tool.RunProcess(["push", folder, "--url", server.Endpoint.ToString(), "--batch-size", "25", "--concurrency", "1", "--resume", "--quiet"]);

    /// <summary>Interrupts a push with a signal mid-feedback, resumes it, checks the server holds the dataset, and returns what each run sent.</summary>
    private async Task<(CliResult Interrupted, IReadOnlyList<RequestRecord> First, List<RequestRecord> Second, string Folder)> InterruptAndResumeAsync(string signal)
    {
        using var temp = new TempDirectory("push-" + signal);
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { Latency = TimeSpan.FromMilliseconds(20) });

        var interrupted = InterruptDuringFeedback(server, folder, signal);
        var first = server.Requests;
        bool checkpointed = File.Exists(Path.Combine(folder, GorsePush.CheckpointFileName));
        var resumed = Resume(server, folder);

        Assert.True(checkpointed, "no checkpoint was left behind");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(server.Store);
        var second = server.Requests.Skip(first.Count).ToList();
        Assert.DoesNotContain(second, r => r.Path is "/api/users" or "/api/items");
        return (interrupted, first, second, folder);
    }

    private static int SentAgain(IReadOnlyList<RequestRecord> first, List<RequestRecord> second)
    {
        var sentBefore = first.Where(r => r.Method != "GET").Select(r => (r.Path, r.FirstKey)).ToHashSet();
        return second.Count(r => r.Method != "GET" && sentBefore.Contains((r.Path, r.FirstKey)));
    }

    [Fact]
    public async Task Killed_with_sigkill_mid_feedback_then_resumed_the_server_holds_exactly_the_dataset_and_fewer_than_two_batches_were_sent_again()
    {
        var (killed, first, second, _) = await InterruptAndResumeAsync("KILL");

        Assert.True(SentAgain(first, second) < 2, $"{SentAgain(first, second)} batches were sent again after the kill (exit code {killed.ExitCode})");
    }

    [Fact]
    public async Task Ctrl_c_mid_feedback_finishes_the_batch_in_flight_records_it_and_exits_130_then_resume_sends_nothing_twice()
    {
        var (interrupted, first, second, _) = await InterruptAndResumeAsync("INT");

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("--resume", interrupted.StdErr, StringComparison.Ordinal);
        Assert.All(first, r => Assert.Equal(200, r.Status)); // the batch in flight was answered, not abandoned
        Assert.Equal(0, SentAgain(first, second));
    }

    [Fact]
    public async Task A_wrong_api_key_exits_1_naming_the_401_without_retries_and_the_key_never_appears_in_the_output()
    {
        using var temp = new TempDirectory("push-key");
        string folder = dataset.CopyTo(temp);
        string key = "k3y-" + Guid.NewGuid().ToString("N");
        await using var server = await GorseTestServer.StartAsync(apiKey: "the-servers-key");

        var result = Tool.RunProcess(["push", folder, "--url", server.Endpoint.ToString()], environment: new Dictionary<string, string> { ["GORSE_API_KEY"] = key });

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("401", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("unauthorized", result.StdErr, StringComparison.Ordinal);
        Assert.Single(server.Requests, r => r.Method != "GET"); // after the health check, which needs no key
        Assert.All(server.Requests, r => Assert.True(r.ApiKey, $"{r.Method} {r.Path} went without the key"));
        Assert.DoesNotContain(key, result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(key, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_to_a_closed_port_fails_at_once_naming_the_url_without_a_retry()
    {
        using var temp = new TempDirectory("push-closed");
        string folder = dataset.CopyTo(temp);
        string url = $"http://127.0.0.1:{Ports.Unused()}/";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Tool.RunAsync("push", folder, "--url", url);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"cannot reach Gorse at {url}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("refused", result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("; retry ", result.StdErr, StringComparison.Ordinal); // every retry prints a line
        // Generous: the answer is immediate; the six retries of the old behaviour took 17-23 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: a retry loop ran");
    }

    [Fact]
    public async Task A_push_to_a_server_that_is_not_ready_fails_before_any_write_saying_why()
    {
        using var temp = new TempDirectory("push-not-ready");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        server.DataStoreDown = true;

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Gorse at {server.Endpoint} is not ready: its data store is not connected", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(["/api/health/ready"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Each_retry_is_reported_on_stderr_with_the_request_the_status_and_the_wait_unless_quiet()
    {
        using var temp = new TempDirectory("push-retry-lines");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { UnavailableWrites = 1 });
        await using var quietServer = await GorseTestServer.StartAsync(faults: new GorseFaults { UnavailableWrites = 1 });

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString());
        File.Delete(Path.Combine(folder, GorsePush.CheckpointFileName));
        var quiet = await Tool.RunAsync("push", folder, "--url", quietServer.Endpoint.ToString(), "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        string line = Assert.Single(result.StdErr.Split('\n'), l => l.Contains("; retry ", StringComparison.Ordinal));
        Assert.Matches(@"^recsynth: POST /api/users answered 503 Service Unavailable; retry 1 of 6 in \d+\.\d s$", line);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal("", quiet.StdErr);
        Assert.Contains(quietServer.Requests, r => r.Status == 503); // the quiet push did retry
        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(quietServer.Store);
    }

    [Fact]
    public async Task The_right_api_key_from_a_file_is_accepted()
    {
        using var temp = new TempDirectory("push-keyfile");
        string folder = dataset.CopyTo(temp);
        await File.WriteAllTextAsync(temp.File("key"), "the-servers-key\n", TestContext.Current.CancellationToken);
        await using var server = await GorseTestServer.StartAsync(apiKey: "the-servers-key");

        var result = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--api-key-file", temp.File("key"), "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(server.Store);
    }

    [Theory]
    [InlineData("users")]
    [InlineData("items")]
    [InlineData("feedback")]
    public async Task Verify_detects_a_row_deleted_on_the_server_after_the_push(string table)
    {
        using var temp = new TempDirectory("push-verify");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        var pushed = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--verify");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        Assert.Contains("verify feedback:", pushed.StdOut, StringComparison.Ordinal);

        var expected = ExpectedState.Of(folder, withEmbeddings: false);
        string deleted;
        switch (table)
        {
            case "users":
                deleted = expected.Users.Keys.Order(StringComparer.Ordinal).ElementAt(expected.Users.Count / 2);
                server.Store.DeleteUser(deleted);
                break;
            case "items":
                deleted = expected.Items.Keys.Order(StringComparer.Ordinal).Last();
                server.Store.DeleteItem(deleted);
                break;
            default:
                var key = expected.Feedback.Keys.Order().ElementAt(expected.Feedback.Count / 3);
                Assert.True(server.Store.DeleteFeedback(key.Type, key.User, key.Item));
                deleted = $"{key.Type}/{key.User}/{key.Item}";
                break;
        }

        var verified = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--resume", "--verify");

        Assert.True(verified.ExitCode == 1, verified.ToString());
        Assert.Contains($"{deleted}: missing", verified.StdOut, StringComparison.Ordinal);
        Assert.Contains($"verify {table}: ", verified.StdOut, StringComparison.Ordinal);
        Assert.Contains("Gorse does not hold the dataset", verified.StdErr, StringComparison.Ordinal);
    }

    private sealed class Recorded<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];

        public void Report(T value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Fact]
    public async Task Verify_reports_each_table_from_nothing_to_every_row_page_by_page_even_with_rows_missing()
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-verify-reports");
        var victim = pushed.Server.Store.Users.Keys.First();
        pushed.Server.Store.DeleteUser(victim);
        using var data = GorseDataset.Load(pushed.Folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(new GorseClientOptions { Endpoint = pushed.Server.Endpoint });
        var progress = new Recorded<GorseVerifyProgress>();

        var checks = await GorseVerify.VerifyAsync(data, client, pageSize: 50, progress, TestContext.Current.CancellationToken);

        Assert.Equal(1, checks.Single(c => c.Table == "users").Missing);
        foreach (var check in checks)
        {
            long[] done = [.. progress.Reports.Where(r => r.Table == check.Table).Select(r => r.Checked)];
            Assert.All(progress.Reports.Where(r => r.Table == check.Table), r => Assert.Equal(check.Expected, r.Total));
            Assert.Equal(0, done[0]);
            Assert.Equal(check.Expected, done[^1]);
            Assert.True(done.Length >= check.Expected / 50, $"{check.Table}: {done.Length} reports for {check.Expected} rows in pages of 50");
            Assert.Equal(done.Order().Distinct(), done); // rising, each once
        }
    }

    [Fact]
    public async Task Verify_detects_a_value_changed_on_the_server()
    {
        await using var pushed = await PushedCopy.StartAsync(dataset, "push-verify-value");
        var victim = pushed.Server.Store.Feedback.Values.First();
        using (var client = new GorseClient(new GorseClientOptions { Endpoint = pushed.Server.Endpoint }))
        {
            await client.InsertFeedbackAsync([new GorseFeedback { FeedbackType = victim.FeedbackType, UserId = victim.UserId, ItemId = victim.ItemId, Value = 1, Timestamp = victim.Timestamp, Comment = victim.Comment }], TestContext.Current.CancellationToken);
        }

        var verified = await Tool.RunAsync("push", pushed.Folder, "--url", pushed.Url, "--resume", "--verify");

        Assert.True(verified.ExitCode == 1, verified.ToString());
        Assert.Contains($"{victim.FeedbackType}/{victim.UserId}/{victim.ItemId}: Value {victim.Value + 1}", verified.StdOut, StringComparison.Ordinal);
    }
}

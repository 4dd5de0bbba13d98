using RecSynth.Gorse.TestServer;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>A push through every kind of transient failure ends with Gorse holding exactly the dataset.</summary>
public sealed class PushFaultTests(SmallDataset dataset)
{
    /// <summary>Many quick retries, so that a test of transient faults stays fast and never runs out of them.</summary>
    private static GorseClientOptions FastRetries(Uri endpoint, string? apiKey = null, TimeSpan? attemptTimeout = null) => new()
    {
        Endpoint = endpoint,
        ApiKey = apiKey,
        MaxRetries = 12,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Push_with_ten_percent_of_each_fault_ends_with_the_server_holding_exactly_the_dataset()
    {
        using var temp = new TempDirectory("push-faults");
        string folder = dataset.CopyTo(temp);
        var faults = new GorseFaults { ErrorRate = 0.1, PartialWriteRate = 0.1, DropRate = 0.1, TooManyRequestsRate = 0.1, RetryAfterSeconds = 1, Seed = 7 };
        await using var server = await GorseTestServer.StartAsync(faults: faults);
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions { WithEmbeddings = true }, TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint));

        var results = await GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 40, Concurrency = 4 }, stop: TestContext.Current.CancellationToken);

        ExpectedState.Of(folder, withEmbeddings: true).AssertHeldBy(server.Store);
        var writes = server.Requests.Where(r => r.Method is "POST" or "PUT").ToList();
        foreach (var kind in new[] { FaultKind.Error, FaultKind.PartialWrite, FaultKind.Drop, FaultKind.TooManyRequests })
        {
            Assert.True(writes.Any(r => r.Fault == kind), $"no {kind} was injected in {writes.Count} writes: the test proves nothing about it");
        }

        long faulted = writes.Count(r => r.Fault != FaultKind.None);
        Assert.Equal(faulted, results.Sum(r => r.Retries));
        Assert.All(writes.Where(w => w.Path == "/api/feedback"), w => Assert.Equal("PUT", w.Method));
    }

    [Fact]
    public async Task Attempts_that_time_out_are_retried_and_the_push_still_ends_with_exactly_the_dataset()
    {
        using var temp = new TempDirectory("push-timeouts");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { SlowRate = 0.2, SlowDelay = TimeSpan.FromSeconds(1), Seed = 5 });
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint, attemptTimeout: TimeSpan.FromMilliseconds(250)));

        var results = await GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 100, Concurrency = 4 }, stop: TestContext.Current.CancellationToken);

        Assert.True(results.Sum(r => r.Retries) > 0, "no attempt timed out: the test proves nothing");
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken); // the abandoned slow requests land too (with the same rows)
        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(server.Store);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after()
    {
        using var temp = new TempDirectory("push-429");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { TooManyRequestsRate = 0.3, RetryAfterSeconds = 1, Seed = 3 });
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint));

        await GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 200, Concurrency = 4 }, stop: TestContext.Current.CancellationToken);

        var requests = server.Requests.Where(r => r.Method is "POST" or "PUT").ToList();
        var limited = requests.Where(r => r.Fault == FaultKind.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        foreach (var refused in limited)
        {
            var retry = requests.First(r => r.ReceivedAt > refused.ReceivedAt && r.Path == refused.Path && r.FirstKey == refused.FirstKey);
            Assert.True(retry.ReceivedAt - refused.ReceivedAt >= TimeSpan.FromSeconds(0.95), $"retried after {(retry.ReceivedAt - refused.ReceivedAt).TotalMilliseconds} ms, before the 1 s Retry-After");
        }

        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(server.Store);
    }

    [Fact]
    public async Task With_auto_insert_off_feedback_for_an_unknown_user_is_dropped_though_counted_and_verify_names_the_loss()
    {
        using var temp = new TempDirectory("push-auto-insert");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        server.AutoInsertUsers = false;
        server.AutoInsertItems = false;
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint));
        await GorsePush.RunAsync(data, client, new GorsePushOptions(), stop: TestContext.Current.CancellationToken);

        // A user gone from the server (with its feedback), then the feedback sent again: Gorse answers RowAffected for
        // every row, but keeps none of the gone user's.
        string gone = data.User(0).UserId;
        var lost = Enumerable.Range(0, data.FeedbackCount).Select(data.Feedback).Where(f => f.UserId == gone).ToList();
        Assert.NotEmpty(lost);
        server.Store.DeleteUser(gone);
        long affected = await client.PutFeedbackAsync(lost, TestContext.Current.CancellationToken);

        Assert.Equal(lost.Count, affected);
        Assert.DoesNotContain(server.Store.Feedback.Keys, k => k.User == gone);
        Assert.False(server.Store.Users.ContainsKey(gone));
        var checks = await GorseVerify.VerifyAsync(data, client, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((1L, (long)lost.Count, 0L), (checks.Single(c => c.Table == "users").Missing, checks.Single(c => c.Table == "feedback").Missing, checks.Single(c => c.Table == "items").Missing));
    }

    [Fact]
    public async Task A_429_without_retry_after_is_gorses_spent_quota_and_stops_the_push_at_once_saying_so()
    {
        using var temp = new TempDirectory("push-quota");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { QuotaSpent = true });
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint));
        await client.HealthAsync(TestContext.Current.CancellationToken); // the server's first answer (its start-up) is not the push's to time
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<GorseException>(() =>
            GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 50, Concurrency = 1 }, stop: TestContext.Current.CancellationToken));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalSeconds:0.00} s to give up");
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.Contains("quota", error.Message, StringComparison.Ordinal);
        Assert.Contains("not retried", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task A_4xx_stops_the_push_at_once_with_gorses_message_and_the_first_ids_of_the_batch()
    {
        using var temp = new TempDirectory("push-4xx");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync(apiKey: "right-key");
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(FastRetries(server.Endpoint, apiKey: "wrong-key"));

        var error = await Assert.ThrowsAsync<GorseException>(() =>
            GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 50, Concurrency = 1 }, stop: TestContext.Current.CancellationToken));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains("unauthorized", error.Message, StringComparison.Ordinal);
        Assert.Contains(data.User(0).UserId, error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal(0, client.Retries);
    }
}

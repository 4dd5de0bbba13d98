using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>The acceptance run at full `small` size (10,000 products, 5,000 users, a year: about 600,000 interactions). The suite's one test of that size.</summary>
[Collection(nameof(Database.HeavyDatabaseTests))]
public sealed class SmallPresetPushTests(SmallPreset preset)
{
    [Fact]
    public async Task Push_of_the_small_preset_with_ten_percent_of_each_fault_ends_with_the_server_holding_exactly_the_dataset()
    {
        string folder = preset.Folder;
        var faults = new GorseFaults { ErrorRate = 0.1, PartialWriteRate = 0.1, DropRate = 0.1, TooManyRequestsRate = 0.1, RetryAfterSeconds = 1, Seed = 11 };
        await using var server = await GorseTestServer.StartAsync(faults: faults);
        using var data = GorseDataset.Load(folder, new GorseDatasetOptions(), TestContext.Current.CancellationToken);
        using var client = new GorseClient(new GorseClientOptions
        {
            Endpoint = server.Endpoint,
            MaxRetries = 12,
            BaseDelay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(50),
        });

        await GorsePush.RunAsync(data, client, new GorsePushOptions { BatchSize = 1000, Concurrency = 8 }, stop: TestContext.Current.CancellationToken);

        Assert.True(data.FeedbackCount > 100_000, $"only {data.FeedbackCount} feedback rows: not the small preset");
        var writes = server.Requests.Where(r => r.Method is "POST" or "PUT").ToList();
        Assert.All(new[] { FaultKind.Error, FaultKind.PartialWrite, FaultKind.Drop, FaultKind.TooManyRequests }, kind => Assert.Contains(writes, w => w.Fault == kind));
        ExpectedState.Of(folder, withEmbeddings: false).AssertHeldBy(server.Store);
    }
}

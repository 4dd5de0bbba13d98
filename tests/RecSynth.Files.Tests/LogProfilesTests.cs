using System.Text.Json;
using RecSynth.Behaviour;
using RecSynth.Files;
using RecSynth.Files.Internals;
using RecSynth.Fitting;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Reading logs into profiles (docs/fitting.md): a log in any order gives the profile of the same log in order
/// (in memory and through spilled runs), and a dataset reads the same from CSV, from Parquet, and as an event log.
/// </summary>
public sealed class LogProfilesTests
{
    private static string Json(LogProfile profile) => JsonSerializer.Serialize(profile);

    [Theory]
    [InlineData(1 << 20)] // all in memory
    [InlineData(1_000)] // spilled in runs of 1,000 and merged
    public void Events_in_any_order_give_the_profile_of_the_same_events_in_order(int runEvents)
    {
        var random = new Random(5);
        var events = new List<(int User, int Item, FeedbackType Type, long Time)>();
        for (int i = 0; i < 20_000; i++)
        {
            events.Add((random.Next(300), random.Next(500), (FeedbackType)random.Next(3), 1_700_000_000 + random.Next(30 * 86_400)));
        }

        var expected = new LogProfiler(900);
        foreach (var e in events.OrderBy(e => e.User).ThenBy(e => e.Time).ThenBy(e => e.Item).ThenBy(e => e.Type))
        {
            expected.Add(e.User, e.Item, e.Type, e.Time);
        }

        var actual = new LogProfiler(900);
        using (var order = new UserOrder(runEvents))
        {
            foreach (var e in events)
            {
                order.Add(e.User, e.Item, e.Type, e.Time, -1);
            }

            order.Drain(actual, TestContext.Current.CancellationToken);
        }

        var profile = actual.Finish();
        Assert.Equal(20_000, profile.Events);
        Assert.Equal(0, profile.OutOfOrder);
        Assert.Equal(Json(expected.Finish()), Json(profile));
    }

    [Fact]
    public void A_dataset_reads_the_same_from_csv_from_parquet_and_as_a_shuffled_event_log()
    {
        using var temp = new TempDirectory("log-profiles");
        var options = TestOptions.Dataset(products: 800, users: 300, weeks: 3);
        string csv = temp.Sub("csv"), parquet = temp.Sub("parquet");
        var token = TestContext.Current.CancellationToken;
        DatasetGenerator.Generate(options, TestOptions.Output(csv), cancellationToken: token);
        DatasetGenerator.Generate(options, TestOptions.Output(parquet) with { Formats = DatasetFormats.Parquet }, cancellationToken: token);

        var fromCsv = LogProfiles.FromDataset(csv, cancellationToken: token);
        var fromParquet = LogProfiles.FromDataset(parquet, cancellationToken: token);
        // The same rows as an event log, shuffled, read through the column mapping (and so through the sort by user).
        string log = temp.File("shuffled.csv");
        var lines = File.ReadAllLines(Path.Combine(csv, "interactions.csv"));
        File.WriteAllLines(log, [lines[0], .. lines.Skip(1).OrderBy(l => l.GetHashCode(StringComparison.Ordinal))]);
        var shuffled = LogProfiles.FromEventLog(log, EventLogMapping.RecSynth with { Session = null }, cancellationToken: token);
        var parquetLog = LogProfiles.FromEventLog(Path.Combine(parquet, "interactions.parquet"), EventLogMapping.RecSynth with { Session = null }, cancellationToken: token);

        Assert.Equal(lines.Length - 1, fromCsv.Profile.Events);
        Assert.Equal(Json(fromCsv.Profile), Json(fromParquet.Profile));
        Assert.Equal(Json(fromCsv.Profile), Json(shuffled.Profile));
        Assert.Equal(Json(fromCsv.Profile), Json(parquetLog.Profile));

        // With its session ids, a dataset has as many sessions as distinct SessionIds in its interactions.
        var withIds = LogProfiles.FromDataset(csv, sessionIds: true, cancellationToken: token);
        Assert.Equal(lines.Skip(1).Select(l => l.Split(',')[5]).Distinct().Count(), withIds.Profile.Sessions);
        Assert.Equal(0, withIds.Profile.SessionGapSeconds);
    }
}

using System.Collections.Concurrent;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>Every phase before and during the weeks reports its progress: from 0 to its total, counts that only grow.</summary>
public sealed class SimulationProgressTests
{
    /// <summary>Keeps every report, in the order they came (reports arrive synchronously, from any thread).</summary>
    private sealed class Recording : IProgress<SimulationProgress>
    {
        public ConcurrentQueue<SimulationProgress> Reports { get; } = new();

        public void Report(SimulationProgress value) => Reports.Enqueue(value);
    }

    private static readonly (string Phase, string Unit)[] s_sourcePhases =
    [
        ("world products", "products"), ("world users", "users"), ("CF pools", "communities"), ("embeddings", "products"), ("image index", "products"),
        ("neighbour lists", "products"),
    ];

    /// <summary>Each phase once, in this order, from 0 to its total; its counts never go back; its reports come together.</summary>
    private static void AssertPhases(IReadOnlyList<SimulationProgress> reports, params (string Phase, string Unit, long Total)[] phases)
    {
        string all = string.Join("\n", reports.Select(r => $"{r.Phase} {r.Done}/{r.Total} {r.Unit} {r.Sessions}"));
        string[] order = [.. reports.Select(r => r.Phase).Distinct()];
        Assert.True(order.SequenceEqual(phases.Select(p => p.Phase)), $"phases {string.Join(", ", order)}; expected {string.Join(", ", phases.Select(p => p.Phase))}\n{all}");
        foreach (var (phase, unit, total) in phases)
        {
            int first = reports.ToList().FindIndex(r => r.Phase == phase), last = reports.ToList().FindLastIndex(r => r.Phase == phase);
            var mine = reports.Skip(first).Take(last - first + 1).ToArray();
            Assert.True(mine.All(r => r.Phase == phase), $"{phase}'s reports are interleaved with another phase's\n{all}");
            Assert.True(mine.All(r => r.Unit == unit && r.Total == total), $"{phase}: expected {total} {unit}\n{all}");
            Assert.Equal(0, mine[0].Done);
            Assert.Equal(total, mine[^1].Done);
            Assert.True(mine.Zip(mine.Skip(1)).All(p => p.Second.Done >= p.First.Done), $"{phase}: a count went back\n{all}");
            Assert.True(mine.Length >= 2, $"{phase}: only a start report\n{all}");
        }
    }

    [Fact]
    public void A_closed_loop_reports_the_world_the_sources_each_week_with_the_sessions_so_far_and_its_metrics()
    {
        var options = SimulatedRun.ShortOptions(3_000, 600, days: 21);
        var recording = new Recording();

        var result = ClosedLoop.Run(options, "thompson", BanditArms.Two, Recommender.Oracle, threads: 2, recording, TestContext.Current.CancellationToken);

        var reports = recording.Reports.ToArray();
        AssertPhases(reports, [.. s_sourcePhases.Select(p => (p.Phase, p.Unit, p.Unit switch
        {
            "users" => 600L,
            "communities" => (long)options.Factors.Communities,
            _ => 3_000L,
        })), ("closed loop", "weeks", 3), ("metrics", "days", 21)]);
        var weeks = reports.Where(r => r.Phase == "closed loop").ToArray();
        Assert.Equal([0L, 1, 2, 3], weeks.Select(w => w.Done).Distinct());
        Assert.Contains(weeks, w => w.Done == 0 && w.Sessions > 0); // sessions counted as blocks of users finish, before a week is written
        Assert.True(weeks.All(w => w.Sessions is not null) && weeks.Zip(weeks.Skip(1)).All(p => p.Second.Sessions >= p.First.Sessions), "sessions missing or going back");
        Assert.Equal(result.Summary.Sessions, weeks[^1].Sessions);
        Assert.True(reports.Where(r => r.Phase != "closed loop").All(r => r.Sessions is null), "sessions on a phase not counted in weeks");
        Assert.Equal(22, reports.Count(r => r.Phase == "metrics")); // the start, then a report a day
    }

    [Fact]
    public void A_logged_run_reports_its_weeks_as_behaviour_and_reports_each_block_of_a_phase_not_just_its_end_the_weeks_too()
    {
        var options = SimulatedRun.ShortOptions(5_000, 3_000, days: 14);
        var world = new World(options, 2, TestContext.Current.CancellationToken);
        var recording = new Recording();
        var logging = SimulatedRun.Logging("uniform", options);

        var worldReports = new Recording();
        _ = new World(options, 2, TestContext.Current.CancellationToken, worldReports);
        var run = new BehaviourRun(world, options.Behaviour, 7, logging, new ParallelOptions { MaxDegreeOfParallelism = 2 }, progress: recording);
        var records = new RecordCollector();
        run.Run(records, TestContext.Current.CancellationToken);
        long sessions = records.Sessions.Count;

        AssertPhases([.. worldReports.Reports], ("world products", "products", 5_000), ("world users", "users", 3_000));
        AssertPhases([.. recording.Reports], ("CF pools", "communities", options.Factors.Communities), ("image index", "products", 5_000), ("neighbour lists", "products", 5_000), ("behaviour", "weeks", 2));
        Assert.Equal(sessions, recording.Reports.Last().Sessions);
        // Its two weeks are one window, written at its end: before that, the sessions grow as each block of users finishes.
        var behaviour = recording.Reports.Where(r => r.Phase == "behaviour").ToArray();
        Assert.True(behaviour.Count(r => r.Done == 0 && r.Sessions > 0) > 3, "no report of the sessions while the window ran");
        Assert.True(behaviour.Zip(behaviour.Skip(1)).All(p => p.Second.Sessions >= p.First.Sessions), "the sessions went back");
        foreach (string phase in new[] { "world products", "world users" })
        {
            Assert.True(worldReports.Reports.Count(r => r.Phase == phase) > 3, $"{phase}: a report per block of work was expected");
        }

        foreach (string phase in new[] { "image index", "neighbour lists" })
        {
            Assert.True(recording.Reports.Count(r => r.Phase == phase) > 3, $"{phase}: a report per block of work was expected");
        }
    }
}

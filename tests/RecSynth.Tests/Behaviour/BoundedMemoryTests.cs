using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// Issue 14 §1: the behaviour stage's memory bounded without changing a byte: the window of weeks a user runs in a row
/// sized by its records' bytes, and a logging run's world giving its embedding matrix back once the neighbour lists
/// are built.
/// </summary>
public sealed class BoundedMemoryTests
{
    [Fact]
    public void The_window_of_weeks_shrinks_with_the_users_records_and_never_below_one_week()
    {
        // The small preset's week of records (5,000 users) fits four times in the budget; the large preset's (1,000,000
        // users, ~220 MB a week by the estimate) once.
        var small = RecSynthOptions.FromPreset(Preset.Small);
        var large = RecSynthOptions.FromPreset(Preset.Large);
        Assert.Equal(4, MemoryEstimate.WindowWeeks(MemoryEstimate.WeekRecordBytes(small, small.Users.Count), 53));
        Assert.Equal(1, MemoryEstimate.WindowWeeks(MemoryEstimate.WeekRecordBytes(large, large.Users.Count), 53));
        Assert.Equal(1, MemoryEstimate.WindowWeeks(long.MaxValue / 4, 53));
        Assert.Equal(2, MemoryEstimate.WindowWeeks(1, 2)); // never more weeks than the period has

        // A window's records stay within the budget where a window can be under it.
        long week = MemoryEstimate.WeekRecordBytes(large, large.Users.Count / 3);
        Assert.True(MemoryEstimate.WindowWeeks(week, 53) * week <= MemoryEstimate.WindowBytes);
    }

    [Fact]
    public void A_run_gives_the_same_records_whatever_its_window_of_weeks()
    {
        var options = SimulatedRun.ShortOptions(1_500, 500, days: 35);
        var token = TestContext.Current.CancellationToken;
        var world = new World(options, 2, token);
        (InteractionRecord[], SessionRecord[]) Records(int weeks)
        {
            var run = new BehaviourRun(world, options.Behaviour, 5, SimulatedRun.Logging("uniform", options), new ParallelOptions { MaxDegreeOfParallelism = 2 })
            {
                WindowWeeks = weeks,
            };
            var records = new RecordCollector();
            run.Run(records, token);
            return ([.. records.Interactions], [.. records.Sessions]);
        }

        var (interactions, sessions) = Records(4);
        Assert.True(sessions.Length > 1_000, $"only {sessions.Length} sessions: the test needs a real run");
        foreach (int weeks in new[] { 1, 3 })
        {
            var (otherInteractions, otherSessions) = Records(weeks);
            Assert.Equal(sessions, otherSessions);
            Assert.Equal(interactions, otherInteractions);
        }
    }

    [Fact]
    public void A_world_that_gives_its_embeddings_back_runs_the_same_and_then_refuses_to_read_them()
    {
        var options = SimulatedRun.ShortOptions(1_200, 400, days: 14);
        var token = TestContext.Current.CancellationToken;
        var setup = new SimulationSetup { Policy = SessionPolicies.Logging(PolicySpec.Parse("uniform", PolicyUse.Logging, "policy"), options.Behaviour.BlendLevels), Seed = 3, Threads = 2 };

        var keeping = SimulationWorld.Build(options, 2, cancellationToken: token);
        var kept = new RecordCollector();
        SimulationEngine.Run(keeping, setup, kept, cancellationToken: token);

        var giving = SimulationWorld.Build(options, 2, cancellationToken: token);
        giving.GivesBackEmbeddings = true;
        Assert.Equal(keeping.Embedding(7).ToArray(), giving.Embedding(7).ToArray()); // still there before the run
        var given = new RecordCollector();
        SimulationEngine.Run(giving, setup, given, cancellationToken: token);

        Assert.Equal(kept.Sessions, given.Sessions);
        Assert.Equal(kept.Interactions, given.Interactions);
        Assert.Equal(options.Embedding.Dimensions, keeping.Embedding(7).Length); // a world that keeps them still has them
        var error = Assert.Throws<InvalidOperationException>(() => giving.Embedding(7).Length);
        Assert.Contains("GivesBackEmbeddings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shards_estimate_counts_only_its_own_users()
    {
        // Ten million users in 20 shards: a shard's world builds only its users (SimulationWorld.BuildForUsers), and the
        // per-user state and the records are the shard's. Without that, a shard of a run too large for one machine
        // was refused as if it simulated everyone.
        var options = RecSynthOptions.FromPreset(Preset.Large) with { Users = RecSynthOptions.FromPreset(Preset.Large).Users with { Count = 10_000_000 } };
        long whole = MemoryEstimate.SimulationBytes(options, 2);
        long shard = MemoryEstimate.SimulationBytes(options, 2, 500_000);
        long none = MemoryEstimate.SimulationBytes(options, 2, 0);
        Assert.Equal(whole, MemoryEstimate.SimulationBytes(options, 2, 10_000_000));
        Assert.True(none < shard && shard < whole / 2, $"none {none >> 20} MiB, a shard {shard >> 20} MiB, all {whole >> 20} MiB");
        Assert.True(shard - none < (whole - none) / 10, "a twentieth of the users should cost far less than a tenth of their state and records");
    }

    [Fact]
    public void A_world_built_for_a_shards_users_runs_them_as_the_whole_world_does_and_refuses_the_others()
    {
        var options = SimulatedRun.ShortOptions(1_200, 400, days: 14);
        var token = TestContext.Current.CancellationToken;
        var setup = new SimulationSetup
        {
            Policy = SessionPolicies.Logging(PolicySpec.Parse("uniform", PolicyUse.Logging, "policy"), options.Behaviour.BlendLevels),
            Seed = 3,
            Threads = 2,
            FirstUser = 150,
            UserCount = 130,
        };

        var whole = SimulationWorld.Build(options, 2, cancellationToken: token);
        var all = new RecordCollector();
        var wholeTruth = SimulationEngine.Run(whole, setup, all, cancellationToken: token).Truth!;

        var part = SimulationWorld.BuildForUsers(options, 2, 150, 130, cancellationToken: token);
        Assert.Equal(400, part.UserCount); // ids and user tables stay those of the population
        Assert.Equal(whole.User(150), part.User(150));
        Assert.Equal(whole.User(279), part.User(279));
        Assert.ThrowsAny<IndexOutOfRangeException>(() => part.User(149));
        var own = new RecordCollector();
        var partTruth = SimulationEngine.Run(part, setup, own, cancellationToken: token).Truth!;
        Assert.NotEmpty(own.Sessions);
        Assert.Equal(all.Sessions, own.Sessions);
        Assert.Equal(all.Interactions, own.Interactions);
        Assert.Equal(150, partTruth.FirstUser);
        for (int user = 150; user < 280; user += 13)
        {
            Assert.Equal(wholeTruth.Estimate(user, 2), partTruth.Estimate(user, 2));
        }

        var error = Assert.Throws<OptionsException>(() => SimulationEngine.Run(part, setup with { FirstUser = 100 }, new RecordCollector(), cancellationToken: token));
        Assert.Contains("150+130 of 400", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsException>(() => SimulationWorld.BuildForUsers(options, 2, 300, 101, cancellationToken: token));
    }
}

using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>docs/design.md §8: the same options and seed give the same records whatever the number of threads; another seed gives others.</summary>
[Collection(BlendRunGroup.Name)]
public sealed class BehaviourDeterminismTests(BlendRuns runs)
{
    [Fact]
    public void The_same_seed_gives_identical_records_on_one_thread_and_on_two()
    {
        var (a, b) = (runs.Parallel, runs.Serial);
        Assert.True(a.Sessions.Length > 5_000, $"only {a.Sessions.Length} sessions");
        Assert.Equal(a.Sessions.Length, b.Sessions.Length);
        Assert.Equal(a.Interactions.Length, b.Interactions.Length);
        for (int k = 0; k < a.Sessions.Length; k++)
        {
            if (a.Sessions[k] != b.Sessions[k])
            {
                Assert.Fail($"session row {k}: {a.Sessions[k]} on two threads, {b.Sessions[k]} on one");
            }
        }

        for (int k = 0; k < a.Interactions.Length; k++)
        {
            if (a.Interactions[k] != b.Interactions[k])
            {
                Assert.Fail($"interaction row {k}: {a.Interactions[k]} on two threads, {b.Interactions[k]} on one");
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_ground_truth_on_one_thread_and_on_two()
    {
        var (a, b) = (runs.Parallel.Truth, runs.Serial.Truth);
        for (int u = 0; u < runs.Parallel.World.UserList.Length; u++)
        {
            Assert.Equal(a.Sessions(u), b.Sessions(u));
            for (int level = 0; level < a.Levels; level++)
            {
                // Bit for bit (NaN equals NaN here).
                Assert.Equal(a.Estimate(u, level), b.Estimate(u, level));
            }
        }
    }

    [Fact]
    public void Another_seed_gives_other_sessions()
    {
        // The same users and activity, so about as many sessions; but their times and outcomes are fresh draws:
        // hardly any (session id, start) pair of one run recurs in the other.
        var (a, c) = (runs.Parallel.Sessions, runs.OtherSeed.Sessions);
        var starts = a.Select(s => (s.SessionId, s.StartedAt)).ToHashSet();
        int same = c.Count(s => starts.Contains((s.SessionId, s.StartedAt)));
        Assert.True(same < 0.01 * c.Length, $"{same} of {c.Length} sessions recur with another seed");
        Assert.False(runs.Parallel.Interactions.AsSpan().SequenceEqual(runs.OtherSeed.Interactions), "the interactions are the same with another seed");
    }
}

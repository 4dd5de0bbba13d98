using RecSynth.Behaviour;
using RecSynth.Internals;
using RecSynth.Simulation;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// Issue 14 §2: the catalogue-side work of the built-in sources (neighbour lists, CF pools) computed once and reused:
/// a run that finds it in the store does not build it again, and simulates exactly the same records.
/// </summary>
public sealed class SourceCacheTests
{
    [Fact]
    public void A_run_on_saved_sources_builds_nothing_and_gives_the_same_records()
    {
        var options = SimulatedRun.ShortOptions(1_500, 400, days: 14);
        var fresh = Run(options, cache: null, seed: 5);

        var cache = new MemoryCache();
        var first = Run(options, cache, seed: 5);
        Assert.Contains(Phases.NeighbourLists, first.Phases);
        Assert.Contains(Phases.CfPools, first.Phases);
        Assert.Equal(2, cache.Entries.Count);

        var second = Run(options, cache, seed: 5);
        Assert.DoesNotContain(Phases.ImageIndex, second.Phases);
        Assert.DoesNotContain(Phases.NeighbourLists, second.Phases);
        Assert.DoesNotContain(Phases.CfPools, second.Phases);

        Assert.True(fresh.Sessions.Count > 100, $"only {fresh.Sessions.Count} sessions");
        Assert.Equal(fresh.Sessions, first.Sessions);
        Assert.Equal(fresh.Sessions, second.Sessions);
        Assert.Equal(fresh.Interactions, second.Interactions);

        // Another seed is not served the saved lists (the CF pools do not depend on the seed), nor other options.
        var reseeded = Run(options, cache, seed: 6);
        Assert.Contains(Phases.NeighbourLists, reseeded.Phases);
        Assert.DoesNotContain(Phases.CfPools, reseeded.Phases);
        var wider = options with { Behaviour = options.Behaviour with { Image = options.Behaviour.Image with { Neighbours = 20 } } };
        Assert.Contains(Phases.NeighbourLists, Run(wider, cache, seed: 5).Phases);
    }

    [Fact]
    public void Content_of_the_wrong_length_is_built_again_and_written_over()
    {
        var options = SimulatedRun.ShortOptions(1_200, 300, days: 7);
        var cache = new MemoryCache();
        var fresh = Run(options, cache, seed: 2);
        foreach (string key in cache.Entries.Keys.ToList())
        {
            cache.Entries[key] = cache.Entries[key][..^8]; // a row short
        }

        var again = Run(options, cache, seed: 2);
        Assert.Contains(Phases.NeighbourLists, again.Phases);
        Assert.Contains(Phases.CfPools, again.Phases);
        Assert.Equal(fresh.Sessions, again.Sessions);

        var third = Run(options, cache, seed: 2);
        Assert.DoesNotContain(Phases.NeighbourLists, third.Phases); // written over whole
        Assert.Equal(fresh.Interactions, third.Interactions);
    }

    private static (List<SessionRecord> Sessions, List<InteractionRecord> Interactions, HashSet<string> Phases) Run(
        Configuration.RecSynthOptions options, ISourceCache? cache, ulong seed)
    {
        var token = TestContext.Current.CancellationToken;
        var world = new World(options, 2, token) { Sources = cache };
        var phases = new HashSet<string>(StringComparer.Ordinal);
        var progress = new Recorder(phases);
        var run = new BehaviourRun(world, options.Behaviour, seed, SimulatedRun.Logging("uniform", options), new ParallelOptions { MaxDegreeOfParallelism = 2 }, progress: progress);
        var records = new RecordCollector();
        run.Run(records, token);
        return (records.Sessions, records.Interactions, phases);
    }

    private sealed class MemoryCache : ISourceCache
    {
        public Dictionary<string, byte[]> Entries { get; } = new(StringComparer.Ordinal);

        public byte[]? Load(string key) => Entries.GetValueOrDefault(key);

        public void Save(string key, ReadOnlySpan<byte> content) => Entries[key] = content.ToArray();
    }

    private sealed class Recorder(HashSet<string> phases) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value)
        {
            lock (phases)
            {
                phases.Add(value.Phase);
            }
        }
    }
}

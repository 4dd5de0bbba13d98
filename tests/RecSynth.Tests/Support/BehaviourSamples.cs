using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Tests.Support;

/// <summary>
/// The acceptance run: the small preset (10,000 products, 5,000 users, 2023), seed 42, uniform logging policy,
/// simulated once for every test class of the <see cref="SmallPresetGroup"/>.
/// </summary>
public sealed class SmallPresetBehaviour
{
    public SmallPresetBehaviour()
    {
        var options = RecSynthOptions.FromPreset(Preset.Small);
        Simulation = SimulatedRun.Simulate(options, "uniform");
        SessionById = new Dictionary<long, SessionRecord>(Simulation.Sessions.Length);
        foreach (var s in Simulation.Sessions)
        {
            SessionById.Add(s.SessionId, s);
        }
    }

    internal SimulatedRun Simulation { get; }

    /// <summary>Every session by id.</summary>
    internal Dictionary<long, SessionRecord> SessionById { get; }
}

/// <summary>Test classes that share the one small-preset run.</summary>
[CollectionDefinition(Name)]
public sealed class SmallPresetGroup : ICollectionFixture<SmallPresetBehaviour>
{
    public const string Name = "small preset behaviour";
}

/// <summary>
/// Three runs of a small world (3,000 products, 1,000 users, 6 weeks) under the uniform-blend logging policy: seed 42
/// on two threads, seed 42 on one thread (the world built on one thread too), and behaviour seed 43 on the first world.
/// </summary>
public sealed class BlendRuns
{
    public BlendRuns()
    {
        var options = SimulatedRun.ShortOptions(products: 3_000, users: 1_000, days: 42);
        Parallel = SimulatedRun.Simulate(options, "uniform-blend", threads: 2);
        Serial = SimulatedRun.Simulate(options, "uniform-blend", threads: 1);
        OtherSeed = SimulatedRun.Simulate(options, "uniform-blend", threads: 2, world: Parallel.World, seed: 43);
    }

    internal SimulatedRun Parallel { get; }

    internal SimulatedRun Serial { get; }

    internal SimulatedRun OtherSeed { get; }
}

/// <summary>Test classes that share the <see cref="BlendRuns"/>.</summary>
[CollectionDefinition(Name)]
public sealed class BlendRunGroup : ICollectionFixture<BlendRuns>
{
    public const string Name = "uniform-blend runs";
}

/// <summary>
/// A run whose image lists run short (1 anchor, 10 neighbours, products listed later left out), under fixed:image, so
/// that CF fills the positions the image source cannot: 2,000 products, 600 users, 4 weeks.
/// </summary>
public sealed class ShortImageListRun
{
    public ShortImageListRun()
    {
        var options = SimulatedRun.ShortOptions(products: 2_000, users: 600, days: 28,
            behaviour: b => b with { Image = b.Image with { Anchors = 1, Neighbours = 10 } });
        Simulation = SimulatedRun.Simulate(options, "fixed:image");
    }

    internal SimulatedRun Simulation { get; }
}

/// <summary>
/// One world (4,000 products, 1,500 users, 13 weeks) run three times with ground_truth_sessions = 0 (every session
/// counted) under fixed:cf, fixed:0.5 and fixed:image.
/// </summary>
public sealed class GroundTruthRuns
{
    public GroundTruthRuns()
    {
        var options = SimulatedRun.ShortOptions(products: 4_000, users: 1_500, days: 91, behaviour: b => b with { GroundTruthSessions = 0 });
        var world = new World(options, 2, TestContext.Current.CancellationToken);
        Runs = [.. new[] { "fixed:cf", "fixed:0.5", "fixed:image" }.Select(policy => SimulatedRun.Simulate(options, policy, world: world))];
    }

    internal SimulatedRun[] Runs { get; }
}

/// <summary>Everyone drifts (users.drift.share = 1): 4,000 products, 1,500 users, 8 weeks, uniform policy.</summary>
public sealed class DriftRun
{
    public DriftRun()
    {
        var options = SimulatedRun.ShortOptions(products: 4_000, users: 1_500, days: 56);
        options = options.WithUsers(u => u with { Drift = new DriftOptions { Share = 1 } });
        Simulation = SimulatedRun.Simulate(options, "uniform");
    }

    internal SimulatedRun Simulation { get; }
}

/// <summary>The image source of a world of 20,000 products (default embeddings and index settings, seed 42).</summary>
public sealed class ImageSourceSample
{
    public const int Products = 20_000;

    public ImageSourceSample()
    {
        var options = Scenario.Defaults(products: Products, users: 10);
        var token = TestContext.Current.CancellationToken;
        World = new World(options, 2, token);
        Source = new ImageSource(World, options.Behaviour.Image, (ulong)options.Seed, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = token }, keepIndex: true);
    }

    internal World World { get; }

    internal ImageSource Source { get; }
}

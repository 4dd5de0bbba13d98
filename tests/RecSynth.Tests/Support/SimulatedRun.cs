using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Tests.Support;

/// <summary>The records of one behaviour run, concatenated week after week as the writer would stream them.</summary>
internal sealed class SimulatedRun
{
    private SimulatedRun(World world, BehaviourRun run, string policy, InteractionRecord[] interactions, SessionRecord[] sessions)
    {
        World = world;
        Run = run;
        Policy = policy;
        Interactions = interactions;
        Sessions = sessions;
    }

    public World World { get; }

    public BehaviourRun Run { get; }

    public RecSynthOptions Options => World.Options;

    public string Policy { get; }

    public GroundTruth Truth => Run.Truth!;

    public Simulator Simulator => Run.Simulator;

    /// <summary>Every interaction, in the order the weeks handed them over.</summary>
    public InteractionRecord[] Interactions { get; }

    /// <summary>Every session, in the order the weeks handed them over.</summary>
    public SessionRecord[] Sessions { get; }

    /// <summary>The user of a session id (user × 10^7 + the user's session number).</summary>
    public static int UserOf(long sessionId) => (int)(sessionId / Simulator.SessionsPerUser);

    /// <summary>The user's session number (0 = the first).</summary>
    public static int NumberOf(long sessionId) => (int)(sessionId % Simulator.SessionsPerUser);

    /// <summary>Runs the behaviour of <paramref name="options"/> in memory under <paramref name="policy"/>.</summary>
    public static SimulatedRun Simulate(RecSynthOptions options, string policy, int threads = 2, World? world = null, ulong? seed = null)
    {
        var token = TestContext.Current.CancellationToken;
        world ??= new World(options, threads, token);
        var run = new BehaviourRun(world, options.Behaviour, seed ?? (ulong)options.Seed, Logging(policy, options),
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = token });
        var records = new RecordCollector();
        run.Run(records, token);
        return new SimulatedRun(world, run, policy, [.. records.Interactions], [.. records.Sessions]);
    }

    /// <summary>The logging policy <paramref name="policy"/> names (uniform, uniform-blend, fixed:…).</summary>
    public static ISessionPolicy Logging(string policy, RecSynthOptions options) =>
        SessionPolicies.Logging(PolicySpec.Parse(policy, PolicyUse.Logging, "behaviour.policy"), options.Behaviour.BlendLevels);

    /// <summary>Options of the default scenario with a shorter period.</summary>
    public static RecSynthOptions ShortOptions(int products, int users, int days, long seed = 42, Func<BehaviourOptions, BehaviourOptions>? behaviour = null)
    {
        var options = Scenario.Defaults(products, users, seed) with
        {
            Time = new TimeWindowOptions
            {
                Start = DateTimeOffset.FromUnixTimeSeconds(Scenario.Start),
                End = DateTimeOffset.FromUnixTimeSeconds(Scenario.Start + days * Scenario.Day),
            },
        };
        return behaviour is null ? options : options with { Behaviour = behaviour(options.Behaviour) };
    }
}

/// <summary>Every record of a run, concatenated block after block as a writer would stream them.</summary>
internal sealed class RecordCollector : ISimulationSink
{
    public List<InteractionRecord> Interactions { get; } = [];

    public List<SessionRecord> Sessions { get; } = [];

    public void Write(RecordBlock block)
    {
        Interactions.AddRange(block.Interactions.Span);
        Sessions.AddRange(block.Sessions.Span);
    }
}

using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Simulation;

/// <summary>What one simulation run does on a <see cref="SimulationWorld"/>: who chooses, what fills the slates, with which seed.</summary>
public sealed record SimulationSetup
{
    /// <summary>The policy that chooses each session's arm.</summary>
    public required ISessionPolicy Policy { get; init; }

    /// <summary>What fills the slates (default: the generator's own sources).</summary>
    public SlateSource Slates { get; init; } = SlateSource.Oracle;

    /// <summary>How users behave; null: the world's options' behaviour.</summary>
    public BehaviourOptions? Behaviour { get; init; }

    /// <summary>The seed of the sessions and their draws; null: the world's seed. Another seed on the same world is another year of the same users.</summary>
    public long? Seed { get; init; }

    /// <summary>The first user simulated (a shard of the users: this and <see cref="UserCount"/>).</summary>
    public int FirstUser { get; init; }

    /// <summary>Users simulated from <see cref="FirstUser"/>; -1: all the rest.</summary>
    public int UserCount { get; init; } = -1;

    /// <summary>
    /// null: a policy that learns is told each session's reward at once. A step length: the run goes in steps of it, and
    /// every policy chooses before a step and learns after it (the one-step delay of a production bandit that updates
    /// in batches, and the way a step policy runs: <see cref="SessionPolicies.Stepped"/>; for one, null means a day).
    /// </summary>
    public StepLength? Step { get; init; }

    /// <summary>A folder holding the run's products.csv, embeddings.npy and users.csv, which a step policy is told of (<see cref="StepRun.Dataset"/>).</summary>
    public string? Dataset { get; init; }

    /// <summary>Threads; the records do not depend on them.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>What the weeks are called in the progress reports (<see cref="SimulationProgress.Phase"/>); null: behaviour, or closed loop.</summary>
    public string? Phase { get; init; }

    /// <summary>Every problem of the setup on <paramref name="world"/>, by option path (run.threads, run.users).</summary>
    public IReadOnlyList<OptionProblem> Validate(SimulationWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var problems = new List<OptionProblem>();
        if (CheckThreads(Threads) is { } threads)
        {
            problems.Add(threads);
        }

        var (built, builtCount) = world.BuiltUsers;
        if (FirstUser < built || FirstUser > built + builtCount || UserCount < -1 || UserCount > built + builtCount - FirstUser)
        {
            problems.Add(new OptionProblem(
                "run.users",
                string.Create(CultureInfo.InvariantCulture, $"{FirstUser}+{UserCount}"),
                builtCount == world.UserCount
                    ? $"must lie within the world's {world.UserCount} users"
                    : string.Create(CultureInfo.InvariantCulture, $"must lie within the users the world was built with ({built}+{builtCount} of {world.UserCount})")));
        }

        if (Policy.Arms.IsDefaultOrEmpty)
        {
            problems.Add(new OptionProblem("simulation.policy", Policy.Name, "has no arms"));
        }

        return problems;
    }

    internal static OptionProblem? CheckThreads(int threads) =>
        threads is < 1 or > 1024 ? new OptionProblem("run.threads", threads.ToString(CultureInfo.InvariantCulture), "must be in [1, 1024]") : null;
}

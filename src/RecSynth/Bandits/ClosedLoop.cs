using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Simulation;

namespace RecSynth.Bandits;

/// <summary>What fills the slates of the closed loop.</summary>
public enum Recommender
{
    /// <summary>The generator's own sources: CF from the hidden factors, images from the embeddings.</summary>
    Oracle,

    /// <summary>CF from an implicit-feedback matrix factorisation retrained daily on the simulated log; images from the embeddings' nearest neighbours.</summary>
    Builtin,

    /// <summary>An outside server (Gorse) for both sources, given as an <see cref="ISlateService"/>.</summary>
    Gorse,
}

/// <summary>
/// The closed loop (docs/design.md §6.3) in memory: a policy chooses each session's arm, the slate source fills the
/// slate, the simulated users respond, the policy learns, day by day; the run is measured against the ground truth the
/// same simulation computes. Policies run with the same seed see the same users, schedules and response draws (common
/// random numbers), so their differences are the policies'.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="setup"/>'s policy on <paramref name="world"/> and measures it against the oracle over
    /// <paramref name="arms"/> (whatever arms the policy itself chooses among). <paramref name="records"/>, when given,
    /// receives the run's records too (e.g. to write them); <paramref name="progress"/> hears of the sources, the weeks
    /// (as <c>closed loop</c>) and the metrics.
    /// </summary>
    /// <exception cref="OptionsException">The setup is invalid, or the policy serves a blend the ground truth does not measure.</exception>
    public static ClosedLoopResult Run(
        SimulationWorld world, SimulationSetup setup, BanditArms arms, ISimulationSink? records, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(setup);
        var behaviour = SimulationEngine.BehaviourOf(world, setup) with { GroundTruth = true };
        var levels = behaviour.BlendLevels;
        if (setup.Policy.Arms.Where(a => !levels.Contains(a.Blend)).Select(a => (Arm?)a).FirstOrDefault() is { } outside)
        {
            throw new OptionsException([new OptionProblem("simulation.policy", setup.Policy.Name,
                $"serves {outside}, which is not one of behaviour.blend_levels ({string.Join(", ", levels.Select(l => new Arm(l).Name))}): the ground truth, and so regret, is measured only at those levels")]);
        }

        var time = world.Options.Time;
        var metrics = new LoopMetrics(setup.Policy, BanditPolicies.ArmsOf(arms, levels), time.StartSeconds, time.EndSeconds) { UserCount = world.UserCount };
        var truth = SimulationEngine.Run(world, setup with { Behaviour = behaviour, Phase = setup.Phase ?? Phases.ClosedLoop }, records is null ? metrics : new BothSinks(metrics, records), progress, cancellationToken).Truth!;
        return metrics.Compute(truth, levels, progress) with { Truth = truth };
    }

    /// <summary>Runs the policy named <paramref name="policy"/> (<see cref="PolicySpec"/>, <see cref="PolicyUse.ClosedLoop"/>) over the behaviour period of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(RecSynthOptions options, string policy, BanditArms arms, int threads, CancellationToken cancellationToken) =>
        Run(options, policy, arms, Recommender.Oracle, threads, cancellationToken);

    /// <summary>Runs the policy named <paramref name="policy"/> with the given recommender behind the slates.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(RecSynthOptions options, string policy, BanditArms arms, Recommender recommender, int threads, CancellationToken cancellationToken) =>
        Run(options, policy, arms, recommender, threads, null, cancellationToken);

    /// <summary>
    /// Runs the policy named <paramref name="policy"/> with the given recommender behind the slates;
    /// <paramref name="progress"/> hears of every phase: the world, the sources, then the weeks (as <c>closed loop</c>;
    /// see <see cref="SimulationProgress"/>).
    /// </summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(
        RecSynthOptions options, string policy, BanditArms arms, Recommender recommender, int threads, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        if (recommender == Recommender.Gorse)
        {
            throw new OptionsException([new OptionProblem("simulation.recommender", "gorse", "needs the server: use RunWith with a GorseSlateService")]);
        }

        return Run(options, policy, arms, recommender == Recommender.Builtin ? SlateSource.Learned : SlateSource.Oracle, threads, progress, cancellationToken);
    }

    /// <summary>Runs the policy named <paramref name="policy"/> with an outside recommender (e.g. Gorse) filling both sources.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult RunWith(RecSynthOptions options, string policy, BanditArms arms, ISlateService service, int threads, CancellationToken cancellationToken = default) =>
        Run(options, policy, arms, SlateSource.Service(service), threads, null, cancellationToken);

    private static ClosedLoopResult Run(
        RecSynthOptions options, string policy, BanditArms arms, SlateSource slates, int threads, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        var spec = PolicySpec.Parse(policy, PolicyUse.ClosedLoop, "simulation.policy");
        options = options with { Behaviour = options.Behaviour with { GroundTruth = true } };
        if (spec.CheckLevels(options.EnsureValid().Behaviour.BlendLevels) is { } outside)
        {
            throw new OptionsException([new OptionProblem("simulation.policy", policy, outside)]);
        }

        var world = SimulationWorld.Build(options, threads, progress, cancellationToken);
        var setup = new SimulationSetup { Policy = SessionPolicies.Bandit(spec, arms, world), Slates = slates, Threads = threads };
        return Run(world, setup, arms, null, progress, cancellationToken);
    }

    /// <summary>Hands every block and day to two sinks, in turn.</summary>
    private sealed class BothSinks(ISimulationSink first, ISimulationSink second) : ISimulationSink
    {
        public void Write(RecordBlock block)
        {
            first.Write(block);
            second.Write(block);
        }

        public void DayEnded(int day)
        {
            first.DayEnded(day);
            second.DayEnded(day);
        }
    }
}

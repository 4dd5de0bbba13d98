using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Internals;

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
/// The closed loop (docs/design.md §6.3) in memory: a bandit chooses each session's arm, the generator's own sources
/// fill the slate (the <c>oracle</c> recommender), the simulated users respond, the bandit learns, day by day; the run
/// is measured against the ground truth the same simulation computes. Policies run with the same seed see the same
/// users, schedules and response draws (common random numbers), so their differences are the policies'.
/// </summary>
public static class ClosedLoop
{
    /// <summary>Runs <paramref name="policy"/> (see <see cref="BanditPolicies.Names"/>) over the behaviour period of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(RecSynthOptions options, string policy, BanditArms arms, int threads, CancellationToken cancellationToken) =>
        Run(options, policy, arms, Recommender.Oracle, threads, cancellationToken);

    /// <summary>Runs <paramref name="policy"/> with the given recommender behind the slates.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(RecSynthOptions options, string policy, BanditArms arms, Recommender recommender, int threads, CancellationToken cancellationToken) =>
        Run(options, policy, arms, recommender, threads, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="policy"/> with the given recommender behind the slates; <paramref name="progress"/> hears
    /// of every phase: the world, the sources, then the weeks (as <c>closed loop</c>; see <see cref="SimulationProgress"/>).
    /// </summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult Run(
        RecSynthOptions options, string policy, BanditArms arms, Recommender recommender, int threads, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        if (recommender == Recommender.Gorse)
        {
            throw new OptionsException([new OptionProblem("--recommender", "gorse", "needs the server: use RunWith with a GorseSlateService")]);
        }

        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        options = (options with { Behaviour = options.Behaviour with { GroundTruth = true } }).EnsureValid();
        if (BanditPolicies.Validate(policy, options.Behaviour.BlendLevels) is { } error)
        {
            throw new OptionsException([new OptionProblem("--policy", policy, error)]);
        }

        return Run(options, arms, world => BanditPolicies.Create(policy, arms, world), recommender, threads, cancellationToken, progress: progress);
    }

    /// <summary>Runs <paramref name="policy"/> with an outside recommender (e.g. Gorse) filling both sources.</summary>
    /// <exception cref="OptionsException">The options or the policy name are invalid.</exception>
    public static ClosedLoopResult RunWith(RecSynthOptions options, string policy, BanditArms arms, ISlateService service, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(service);
        options = (options with { Behaviour = options.Behaviour with { GroundTruth = true } }).EnsureValid();
        if (BanditPolicies.Validate(policy, options.Behaviour.BlendLevels) is { } error)
        {
            throw new OptionsException([new OptionProblem("--policy", policy, error)]);
        }

        return Run(options, arms, world => BanditPolicies.Create(policy, arms, world), Recommender.Oracle, threads, cancellationToken, service);
    }

    /// <summary>
    /// Runs a stationary policy that serves each user <paramref name="armOfUser"/>[user] (an index into the arms of
    /// <paramref name="arms"/>; -1: uniform), e.g. every user's optimal arm from a ground truth.
    /// </summary>
    public static ClosedLoopResult RunPerUser(RecSynthOptions options, string name, BanditArms arms, IReadOnlyList<int> armOfUser, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(armOfUser);
        options = (options with { Behaviour = options.Behaviour with { GroundTruth = true } }).EnsureValid();
        return Run(options, arms, world => new PerUserPolicy(name, BanditPolicies.ArmsOf(arms, world.Options.Behaviour.BlendLevels), [.. armOfUser]), Recommender.Oracle, threads, cancellationToken);
    }

    private static ClosedLoopResult Run(
        RecSynthOptions options, BanditArms arms, Func<World, BanditPolicy> create, Recommender recommender, int threads, CancellationToken cancellationToken,
        ISlateService? service = null, IProgress<SimulationProgress>? progress = null)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var world = new World(options, threads, cancellationToken, progress);
        return Run(world, options.Behaviour, (ulong)options.Seed, create(world), arms, parallel, recommender, service, progress);
    }

    /// <summary>
    /// Runs <paramref name="bandit"/> on a world already built, with the behaviour's own seed (which may differ from the
    /// world's: a behaviour simulated again on a fixed catalogue and users).
    /// </summary>
    internal static ClosedLoopResult Run(
        World world, BehaviourOptions behaviour, ulong seed, BanditPolicy bandit, BanditArms arms, ParallelOptions parallel, Recommender recommender = Recommender.Oracle,
        ISlateService? service = null, IProgress<SimulationProgress>? progress = null)
    {
        var (run, metrics) = Prepare(world, behaviour, seed, bandit, arms, parallel, recommender, service, progress);
        run.Phase = Phases.ClosedLoop;
        run.Run((_, _, _, sessions, count) => metrics.Add(sessions.AsSpan(0, count)), parallel.CancellationToken);
        return metrics.Compute(run.Truth!, behaviour.BlendLevels, progress);
    }

    /// <summary>
    /// A behaviour run under a bandit, with its metrics collector wired to the run's days (the caller feeds it the
    /// sessions). The metrics measure the bandit against the oracle over <paramref name="arms"/>, the run's arm set.
    /// </summary>
    internal static (BehaviourRun Run, LoopMetrics Metrics) Prepare(
        World world, BehaviourOptions behaviour, ulong seed, BanditPolicy bandit, BanditArms arms, ParallelOptions parallel, Recommender recommender = Recommender.Oracle,
        ISlateService? service = null, IProgress<SimulationProgress>? progress = null)
    {
        var run = new BehaviourRun(world, behaviour with { GroundTruth = true }, seed, bandit, parallel, progress: progress);
        if (service is not null)
        {
            var vocabulary = world.Vocabulary;
            service.Begin(new SlateCatalog(
                [.. world.Items.Select(i => Catalog.CatalogVocabulary.ItemId(i.Index))],
                [.. world.Items.Select(i => (vocabulary.Categories[i.Category], vocabulary.Subcategories[i.Subcategory]))],
                [.. world.Items.Select(i => i.ListedAt)],
                world.Embeddings,
                world.D,
                [.. Enumerable.Range(0, world.UserList.Length).Select(u => Users.UserPopulation.UserId(u, world.UserList.Length))]));
            run.Simulator.External = service;
        }

        if (recommender == Recommender.Builtin)
        {
            run.Simulator.Learned = new LearnedCf(world.UserList.Length, world.Items.Length, behaviour.Cf.Candidates, seed);
        }

        var time = world.Options.Time;
        var metrics = new LoopMetrics(bandit, BanditPolicies.ArmsOf(arms, behaviour.BlendLevels), time.StartSeconds, time.EndSeconds) { UserCount = world.UserList.Length };
        run.DayEnded = metrics.DayEnded;
        return (run, metrics);
    }
}

using System.Collections.Immutable;
using System.Globalization;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;
using RecSynth.Files.Config;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>Off-policy estimates of a policy's value from a dataset's log, next to its true value by simulation.</summary>
/// <param name="Policy">The evaluated policy.</param>
/// <param name="Arms">Its arms.</param>
/// <param name="LoggingPolicy">The policy that wrote sessions.csv.</param>
/// <param name="LoggedSessions">Rows of sessions.csv.</param>
/// <param name="Estimates">IPS, SNIPS and DR for a stationary policy; replay for a learning one.</param>
/// <param name="TrueValue">
/// The value the estimates target, by simulation on the same users (same config and seed). For a stationary policy:
/// the exact expected reward per session had it chosen in each of the log's sessions, with every user in the state the
/// log recorded (the log re-simulated with the expected reward of every arm in every session); null when the log cannot
/// be re-created or its re-creation does not reproduce it (<see cref="TrueValueUnavailable"/> says why). For a learning policy: the closed-loop
/// value.
/// </param>
/// <param name="ClosedLoopValue">Reward per session when the policy runs in the closed loop on the same users: its own choices shape the users' later states (CF warm-up, image anchors, purchases), which no estimate from another policy's log can see.</param>
/// <param name="ClosedLoopSessions">Sessions of that run.</param>
public sealed record PolicyEvaluation(
    string Policy, ImmutableArray<Arm> Arms, string LoggingPolicy, long LoggedSessions, ImmutableArray<PolicyEstimate> Estimates, double? TrueValue, double ClosedLoopValue, long ClosedLoopSessions)
{
    /// <summary>Why <see cref="TrueValue"/> is null for a stationary policy (the log could not be re-created); null otherwise.</summary>
    public string? TrueValueUnavailable { get; init; }

    /// <summary>Policies whose choice depends only on the user, which IPS, SNIPS and DR evaluate; <c>best-arm</c> serves each user the optimal arm of ground_truth.csv.</summary>
    public static ImmutableArray<string> Stationary { get; } = ["uniform", "fixed:<arm>", "best-arm"];

    /// <summary>Evaluates <paramref name="policy"/> (a bandit name or <c>best-arm</c>) on the log in <paramref name="directory"/>.</summary>
    /// <exception cref="DatasetUsageException">The folder has no usable log for this policy (no propensities, no support for its arms…).</exception>
    /// <exception cref="OptionsException">The policy name is invalid.</exception>
    public static PolicyEvaluation Evaluate(string directory, string policy, BanditArms arms, int threads, CancellationToken cancellationToken) =>
        Evaluate(directory, policy, arms, threads, null, cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="policy"/> on the log in <paramref name="directory"/>; <paramref name="progress"/> hears of
    /// every phase: reading sessions.csv, building the world, the estimates, then the log re-created with the truth of
    /// every session (<c>log replay</c>, for a stationary policy) and the policy's own run (<c>closed loop</c>, then its
    /// <c>metrics</c>), each simulation with its sources.
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder has no usable log for this policy (no propensities, no support for its arms…).</exception>
    /// <exception cref="OptionsException">The policy name is invalid.</exception>
    public static PolicyEvaluation Evaluate(
        string directory, string policy, BanditArms arms, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(policy);
        var spec = PolicySpec.Parse(policy, PolicyUse.Evaluation, "evaluation.policy");
        var origin = DatasetOrigin.Read(directory);
        var levels = origin.World.Behaviour.BlendLevels;
        if (spec.CheckLevels(levels) is { } outside)
        {
            throw new OptionsException([new OptionProblem("evaluation.policy", policy, outside)]);
        }

        var armSet = spec.Kind == PolicyKind.Fixed ? [spec.FixedArm] : BanditPolicies.ArmsOf(arms, levels);
        var (log, loggingPolicy) = ReadLog(directory, armSet, origin.World.Users.Count, origin.LoggedSessions, progress, cancellationToken);
        CheckSupport(log, armSet, loggingPolicy, arms);
        int certain = log.Count(s => s.Propensity >= 1);
        if (certain > 0)
        {
            throw new DatasetUsageException(string.Create(CultureInfo.InvariantCulture,
                $"the log's policy ({loggingPolicy}) chose with certainty in {certain:N0} of {log.Count:N0} sessions: off-policy estimates need every arm to have had a chance in every session; log with a randomised policy (generate --policy uniform or uniform-blend)"));
        }

        // One world for every simulation below: the folder's catalogue and users, under the log's behaviour options.
        var behaviour = origin.World.Behaviour with { GroundTruth = true };
        var phases = PhaseReports.To(progress);
        var world = SimulationWorld.Build(origin.World with { Behaviour = behaviour }, threads, phases, cancellationToken);
        int[] armOfUser = spec.Kind == PolicyKind.BestArm ? BestArms(directory, armSet, world.UserCount) : [];
        var loop = new SimulationSetup
        {
            Policy = spec.Kind == PolicyKind.BestArm ? SessionPolicies.PerUser("best-arm", armSet, armOfUser) : SessionPolicies.Bandit(spec, arms, world),
            // The closed loop runs with the recommender that wrote the log where it can be re-created (not a Gorse server).
            Slates = origin.Simulation?.Recommender == "builtin" ? SlateSource.Learned : SlateSource.Oracle,
            Seed = origin.BehaviourSeed,
            Threads = threads,
        };
        ImmutableArray<PolicyEstimate> estimates;
        ClosedLoopResult truth;
        double? trueValue;
        string? unavailable = null;
        if (spec.Kind is PolicyKind.BestArm or PolicyKind.Uniform or PolicyKind.Fixed)
        {
            Func<int, int, double> target = spec.Kind == PolicyKind.BestArm ? (u, a) => armOfUser[u] < 0 ? 1.0 / armSet.Length : armOfUser[u] == a ? 1 : 0
                : spec.Kind == PolicyKind.Uniform ? (_, _) => 1.0 / armSet.Length
                : (_, _) => 1;
            Estimating(progress, 0, log.Count);
            estimates = OffPolicy.Stationary(log, armSet.Length, target);
            Estimating(progress, log.Count, log.Count);
            (trueValue, unavailable) = ValueOnLogStates(world, origin, log, armSet, target, threads, phases, cancellationToken);
            truth = ClosedLoop.Run(world, loop, arms, null, phases, cancellationToken);
        }
        else
        {
            Estimating(progress, 0, log.Count);
            estimates = [OffPolicy.Replay(log, SessionPolicies.Bandit(spec, arms, world), origin.BehaviourSeed)];
            Estimating(progress, log.Count, log.Count);
            truth = ClosedLoop.Run(world, loop, arms, null, phases, cancellationToken);
            trueValue = PerSession(truth.Summary);
        }

        return new PolicyEvaluation(policy, armSet, loggingPolicy, log.Count, estimates, trueValue, PerSession(truth.Summary), truth.Summary.Sessions)
        {
            TrueValueUnavailable = unavailable,
        };
    }

    private const int RowsPerReport = 1 << 16;

    /// <summary>The estimators' pass over the logged sessions: its start and its end.</summary>
    private static void Estimating(IProgress<GenerationProgress>? progress, long done, long sessions) =>
        progress?.Report(new GenerationProgress("estimates", done, sessions, "sessions"));

    private static double PerSession(LoopSummary summary) => summary.Reward / (double)Math.Max(1, summary.Sessions);

    /// <summary>
    /// The exact value of a stationary policy on the log's own sessions: the run that wrote the log re-created (the
    /// folder's catalogue and users, the behaviour stage's options and seed, and its logging policy or closed loop:
    /// hence the same sessions and user states) with the expected reward of every arm computed in every session,
    /// weighted by the policy's probability of each arm. Null, with the reason, when the log cannot be re-created or
    /// the re-creation does not reproduce its sessions and rewards.
    /// </summary>
    private static (double? Value, string? Unavailable) ValueOnLogStates(
        SimulationWorld world, DatasetOrigin origin, List<LoggedSession> log, ImmutableArray<Arm> arms, Func<int, int, double> target, int threads,
        IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        var behaviour = world.Options.Behaviour with { GroundTruth = true, GroundTruthSessions = 0 };
        ISessionPolicy policy;
        var slates = SlateSource.Oracle;
        if (origin.Simulation is not { } simulation)
        {
            if (!PolicySpec.TryParse(behaviour.Policy, PolicyUse.Logging, out var logging, out string? error))
            {
                return (null, $"the manifest's behaviour.policy '{behaviour.Policy}' is not a logging policy ({error})");
            }

            policy = SessionPolicies.Logging(logging, behaviour.BlendLevels);
        }
        else if (simulation.Recommender == "gorse")
        {
            return (null, "the log was written with a Gorse server filling the slates, whose answers cannot be replayed");
        }
        else
        {
            if (!PolicySpec.TryParse(simulation.Policy, PolicyUse.ClosedLoop, out var bandit, out string? why) || (why = bandit.CheckLevels(behaviour.BlendLevels)) is not null)
            {
                return (null, $"the manifest's simulation policy '{simulation.Policy}' is not one this version runs ({why})");
            }

            policy = SessionPolicies.Bandit(bandit, simulation.Arms == "blend" ? BanditArms.Blend : BanditArms.Two, world);
            slates = simulation.Recommender == "builtin" ? SlateSource.Learned : SlateSource.Oracle;
        }

        var counted = new SessionCount();
        var replay = new SimulationSetup { Policy = policy, Slates = slates, Behaviour = behaviour, Seed = origin.BehaviourSeed, Threads = threads, Phase = "log replay" };
        var truth = SimulationEngine.Run(world, replay, counted, progress, cancellationToken).Truth!;

        long rewards = log.Sum(s => (long)s.Reward);
        if (counted.Sessions != log.Count || counted.Rewards != rewards)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"re-creating the log from the manifest gave {counted.Sessions:N0} sessions and {counted.Rewards:N0} rewards, not the log's {log.Count:N0} and {rewards:N0}: was sessions.csv edited, or written by another version?"));
        }

        var levelsOf = behaviour.BlendLevels;
        double total = 0;
        for (int user = 0; user < world.UserCount; user++)
        {
            int n = truth.Sessions(user);
            for (int a = 0; a < arms.Length && n > 0; a++)
            {
                total += target(user, a) * truth.Estimate(user, levelsOf.IndexOf(arms[a].Blend)).Mean * n;
            }
        }

        return (total / Math.Max(1, counted.Sessions), null);
    }

    /// <summary>Counts a run's sessions and rewarded sessions.</summary>
    private sealed class SessionCount : ISimulationSink
    {
        public long Sessions { get; private set; }

        public long Rewards { get; private set; }

        public void Write(RecordBlock block)
        {
            foreach (ref readonly var session in block.Sessions.Span)
            {
                Sessions++;
                Rewards += session.Reward;
            }
        }
    }

    private static (List<LoggedSession> Log, string Policy) ReadLog(
        string directory, ImmutableArray<Arm> arms, int users, long rows, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        if (!DatasetTable.Exists(directory, SessionsReader.File))
        {
            throw new DatasetUsageException($"{Path.Combine(directory, SessionsReader.File)} is missing: there is no log to evaluate on");
        }

        var log = new List<LoggedSession>();
        string policy = "";
        using var reader = SessionsReader.Open(directory);
        string name = reader.Name;
        progress?.Report(new GenerationProgress(name, 0, rows));
        while (reader.Read())
        {
            if (log.Count % RowsPerReport == 0 && log.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new GenerationProgress(name, log.Count, Math.Max(rows, log.Count)));
            }

            int user = UserNumber(reader.UserId, users) ?? throw reader.Problem("UserId", reader.UserId, $"is not a user of this dataset (U000000 to U{users - 1:000000})");
            policy = reader.Policy.ToString();
            log.Add(new LoggedSession(reader.SessionId, reader.StartedAt.ToUnixTimeSeconds(), user, arms.IndexOf(reader.Arm), reader.Propensity, reader.Reward));
        }

        progress?.Report(new GenerationProgress(name, log.Count, log.Count));
        return (log, policy);
    }

    /// <summary>The number of a user id such as U000042 when it is below <paramref name="users"/>.</summary>
    private static int? UserNumber(ReadOnlySpan<char> id, int users) =>
        id.Length >= 2 && id[0] == 'U' && int.TryParse(id[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int user) && user < users ? user : null;

    private static void CheckSupport(List<LoggedSession> log, ImmutableArray<Arm> arms, string loggingPolicy, BanditArms mode)
    {
        var served = log.Where(s => s.Arm >= 0).Select(s => s.Arm).ToHashSet();
        var missing = arms.Where((_, a) => !served.Contains(a)).ToArray();
        if (missing.Length > 0)
        {
            string hint = mode == BanditArms.Blend && arms.Length > 2
                ? "; a blend policy needs a log over the blend levels (generate --policy uniform-blend), or evaluate with --arms two"
                : "";
            throw new DatasetUsageException(
                $"the log (policy {loggingPolicy}) never served {string.Join(", ", missing.Select(a => a.Name))}: it holds no information about {(missing.Length > 1 ? "those arms" : "that arm")}{hint}");
        }
    }

    private static int[] BestArms(string directory, ImmutableArray<Arm> arms, int users)
    {
        if (!DatasetTable.Exists(directory, BehaviourStage.GroundTruthFile))
        {
            throw new DatasetUsageException($"{Path.Combine(directory, BehaviourStage.GroundTruthFile)} is missing: best-arm serves each user the optimal arm of the ground truth");
        }

        var best = new int[users];
        Array.Fill(best, -1);
        bool two = arms.Length == 2 && arms[0] == Arm.Cf && arms[1] == Arm.Image;
        string column = two ? "OptimalArm" : "OptimalBlend";
        using var table = DatasetTable.Open(directory, BehaviourStage.GroundTruthFile, ["UserId", column]);
        while (table.MoveNext())
        {
            var id = table.Span(0);
            int user = UserNumber(id, users) ?? throw table.Problem("UserId", id, $"is not a user of this dataset (U000000 to U{users - 1:000000})");
            var text = table.Span(1);
            if (text.IsEmpty)
            {
                continue;
            }

            best[user] = SessionsReader.TryParseArm(text, out var arm) ? arms.IndexOf(arm) : throw table.Problem(column, text, "is not an arm (cf, image, or a blend level in [0, 1])");
        }

        return best;
    }
}

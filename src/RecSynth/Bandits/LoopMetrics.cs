using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Simulation;
using RecSynth.Internals;

namespace RecSynth.Bandits;

/// <summary>One simulated day of the closed loop (a row of metrics.csv).</summary>
/// <param name="Day">1-based day of the period.</param>
/// <param name="Date">The day's date (UTC).</param>
/// <param name="Sessions">Sessions that started that day.</param>
/// <param name="Reward">Rewarded sessions (a like or a purchase).</param>
/// <param name="CumulativeReward">Rewarded sessions up to and including the day.</param>
/// <param name="ExpectedReward">Sum over the day's sessions of the ground truth's expected reward of the arm served.</param>
/// <param name="OracleReward">The same sum had every session served the user's optimal arm.</param>
/// <param name="CumulativeRegret">Sum of oracle minus expected reward up to and including the day.</param>
/// <param name="OptimalShare">Among users served at least once so far, the share whose current best arm (what the policy has learned) is the optimal one.</param>
/// <param name="NearOptimalShare">Among the same users, the share whose current best arm's expected reward is within 5 % of the optimal arm's.</param>
/// <param name="ArmShares">Share of the day's sessions served with each arm, in the order of <see cref="LoopSummary.Arms"/>.</param>
public sealed record DailyMetrics(
    int Day, DateOnly Date, long Sessions, long Reward, long CumulativeReward, double ExpectedReward, double OracleReward,
    double CumulativeRegret, double OptimalShare, double NearOptimalShare, ImmutableArray<double> ArmShares)
{
    /// <summary>Rewarded share of the day's sessions (NaN without sessions).</summary>
    public double RewardRate => Sessions == 0 ? double.NaN : Reward / (double)Sessions;
}

/// <summary>What a closed-loop run achieved, against the ground truth.</summary>
public sealed record LoopSummary
{
    /// <summary>The policy's name.</summary>
    public string Policy { get; init; } = "";

    /// <summary>
    /// The arms the run is measured over, by blend: the run's arm set (two or the blend levels), plus any arm of the
    /// policy outside it. Regret and the optimal arm are always against the oracle over the run's arm set, whatever arms
    /// the policy itself chooses among, so a fixed policy is measured like every other.
    /// </summary>
    public ImmutableArray<Arm> Arms { get; init; } = [];

    /// <summary>The arms the policy chose among (a single arm for a fixed policy).</summary>
    public ImmutableArray<Arm> PolicyArms { get; init; } = [];

    /// <summary>The run's arm set (two, or the blend levels): the oracle serves each user the best of these.</summary>
    public ImmutableArray<Arm> OracleArms { get; init; } = [];

    /// <summary>Sessions simulated.</summary>
    public long Sessions { get; init; }

    /// <summary>Rewarded sessions.</summary>
    public long Reward { get; init; }

    /// <summary>Cumulative regret against the per-user optimal arm (expected rewards from the ground truth).</summary>
    public double Regret { get; init; }

    /// <summary>Users with at least one session and a ground truth: those the shares below are over.</summary>
    public int Users { get; init; }

    /// <summary>Share of users whose learned best arm at the end is optimal.</summary>
    public double OptimalLearnedShare { get; init; }

    /// <summary>Share of users whose most-served arm is optimal.</summary>
    public double OptimalMostChosenShare { get; init; }

    /// <summary>Mean absolute difference between the learned best blend and the optimal blend (over the run's arm set).</summary>
    public double BlendError { get; init; }

    /// <summary>Median over users of the sessions until the learned best arm stopped changing.</summary>
    public double MedianSessionsToSettle { get; init; }
}

/// <summary>One user's part in a closed-loop run.</summary>
/// <param name="Sessions">Sessions served to the user.</param>
/// <param name="Reward">Rewarded sessions.</param>
/// <param name="MostChosen">Index (into <see cref="LoopSummary.Arms"/>, as every index here) of the arm served most, the first of equals; -1 without sessions.</param>
/// <param name="Learned">The policy's learned best arm at the end; -1 without sessions.</param>
/// <param name="FinalChoice">The arm served most over the user's last quarter of sessions (at least one), the first of equals: what the policy ends up choosing; -1 without sessions.</param>
/// <param name="Optimal">The arm of the run's arm set with the highest expected reward in the ground truth; -1 without a ground truth.</param>
/// <param name="Expected">The ground truth's expected reward per session of each arm of <see cref="LoopSummary.Arms"/> (NaN without a ground truth).</param>
public sealed record UserOutcome(int Sessions, int Reward, int MostChosen, int Learned, int FinalChoice, int Optimal, ImmutableArray<double> Expected);

/// <summary>A closed-loop run's outcome: the summary, one row per simulated day, and one entry per user (by user index).</summary>
public sealed record ClosedLoopResult(LoopSummary Summary, ImmutableArray<DailyMetrics> Days, ImmutableArray<UserOutcome> Users)
{
    /// <summary>The run's ground truth: every user's expected reward of every blend level, which the metrics are measured against.</summary>
    public GroundTruth? Truth { get; init; }
}

/// <summary>
/// Collects what a closed-loop run needs for its metrics: every session's day, user, arm and reward (compactly), and
/// after each day every user's learned best arm. The expected rewards come from the ground truth at the end. Arms are
/// kept as indices into the measured arms (<see cref="LoopSummary.Arms"/>), not the policy's, so the optimum is found
/// over the run's whole arm set.
/// </summary>
internal sealed class LoopMetrics : ISimulationSink
{
    private const long Day = 86_400;
    private readonly ISessionPolicy _policy;
    private readonly ImmutableArray<Arm> _arms; // measured: the run's arm set plus the policy's arms outside it, by blend
    private readonly bool[] _inRun; // [arm]: one of the run's arm set (a candidate optimum)
    private readonly int[] _ofPolicyArm; // [policy arm]: its index in _arms
    private readonly long _start;
    private readonly int _days;
    private readonly List<(int Day, int User, byte Arm, byte Reward)> _sessions = [];
    private readonly List<sbyte[]> _best = [];
    private int[] _pulls = []; // [user × arms + arm]: sessions served, counted from the sessions at the end

    public LoopMetrics(ISessionPolicy policy, ImmutableArray<Arm> runArms, long start, long end)
    {
        _policy = policy;
        _arms = [.. runArms.Concat(policy.Arms).DistinctBy(a => a.Blend).OrderBy(a => a.Blend)];
        _inRun = [.. _arms.Select(a => runArms.Any(r => r.Blend == a.Blend))];
        _ofPolicyArm = [.. policy.Arms.Select(a => _arms.IndexOf(a))];
        _start = start;
        _days = (int)((end - start + Day - 1) / Day);
    }

    public int UserCount { get; init; }

    /// <summary>Receives a week's sessions (from the run; one call at a time).</summary>
    public void Write(RecordBlock block)
    {
        foreach (ref readonly var s in block.Sessions.Span)
        {
            int arm = _arms.IndexOf(s.Arm);
            if (arm < 0 && _policy is SteppedPolicy { Mode: StepMode.Slate })
            {
                arm = Nearest(s.Arm.Blend); // a served blend is measured at the nearest blend level the truth knows
            }

            if (arm < 0)
            {
                throw new InvalidOperationException($"the policy {_policy.Name} served {s.Arm}, which is not one of its arms ({string.Join(", ", _policy.Arms)})");
            }

            _sessions.Add(((int)((s.StartedAt - _start) / Day), s.User, (byte)arm, (byte)s.Reward));
        }
    }

    /// <summary>The measured arm of the run's arm set whose blend is nearest <paramref name="blend"/> (the lower of two as near).</summary>
    private int Nearest(double blend)
    {
        int best = -1;
        for (int a = 0; a < _arms.Length; a++)
        {
            if (_inRun[a] && (best < 0 || Math.Abs(_arms[a].Blend - blend) < Math.Abs(_arms[best].Blend - blend)))
            {
                best = a;
            }
        }

        return best;
    }

    /// <summary>Snapshots every user's learned best arm after day <paramref name="day"/> (0-based).</summary>
    public void DayEnded(int day)
    {
        if (day >= _days)
        {
            return;
        }

        var best = new sbyte[UserCount];
        for (int u = 0; u < best.Length; u++)
        {
            best[u] = (sbyte)Measured(_policy.BestArm(u));
        }

        _best.Add(best);
    }

    public ClosedLoopResult Compute(GroundTruth truth, ImmutableArray<double> levels, IProgress<SimulationProgress>? progress = null)
    {
        int arms = _arms.Length;
        int users = UserCount;
        var measured = new PhaseCounter(progress, Phases.Metrics, _days, "days"); // the last day counts once the users' outcomes are done too

        // Expected reward of each arm per user (NaN without a ground truth), and the optimal arm of the run's set.
        var mean = new double[users * arms];
        var optimal = new int[users];
        for (int u = 0; u < users; u++)
        {
            optimal[u] = -1;
            double best = double.NegativeInfinity;
            for (int a = 0; a < arms; a++)
            {
                double m = truth.Estimate(u, levels.IndexOf(_arms[a].Blend)).Mean;
                mean[u * arms + a] = m;
                if (_inRun[a] && !double.IsNaN(m) && m > best)
                {
                    (best, optimal[u]) = (m, a);
                }
            }
        }

        var ordered = _sessions.OrderBy(s => s.Day).ToArray();
        var days = ImmutableArray.CreateBuilder<DailyMetrics>(_days);
        var served = new bool[users];
        long cumulativeReward = 0;
        double cumulativeRegret = 0;
        int next = 0;
        var startDate = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(_start).UtcDateTime);
        for (int d = 0; d < _days; d++)
        {
            long sessions = 0, reward = 0;
            double expected = 0, oracle = 0;
            var counts = new long[arms];
            for (; next < ordered.Length && ordered[next].Day == d; next++)
            {
                var (_, user, arm, r) = ordered[next];
                sessions++;
                reward += r;
                counts[arm]++;
                served[user] = true;
                if (optimal[user] >= 0)
                {
                    expected += mean[user * arms + arm];
                    oracle += mean[user * arms + optimal[user]];
                }
            }

            cumulativeReward += reward;
            cumulativeRegret += oracle - expected;
            int known = 0, right = 0, near = 0;
            if (d < _best.Count)
            {
                for (int u = 0; u < users; u++)
                {
                    if (served[u] && optimal[u] >= 0 && _best[d][u] >= 0)
                    {
                        known++;
                        right += _best[d][u] == optimal[u] ? 1 : 0;
                        near += mean[u * arms + _best[d][u]] >= 0.95 * mean[u * arms + optimal[u]] ? 1 : 0;
                    }
                }
            }

            days.Add(new DailyMetrics(
                d + 1, startDate.AddDays(d), sessions, reward, cumulativeReward, expected, oracle, cumulativeRegret,
                known == 0 ? 0 : right / (double)known, known == 0 ? 0 : near / (double)known, [.. counts.Select(c => sessions == 0 ? 0 : c / (double)sessions)]));
            if (d < _days - 1)
            {
                measured.Add(1);
            }
        }

        var final = FinalChoices(ordered, users, arms);
        _pulls = new int[users * arms];
        var sessionsOf = new int[users];
        var rewardsOf = new int[users];
        foreach (var s in ordered)
        {
            _pulls[s.User * arms + s.Arm]++;
            sessionsOf[s.User]++;
            rewardsOf[s.User] += s.Reward;
        }

        var outcomes = ImmutableArray.CreateBuilder<UserOutcome>(users);
        for (int u = 0; u < users; u++)
        {
            outcomes.Add(new UserOutcome(sessionsOf[u], rewardsOf[u], MostServed(u), Measured(_policy.BestArm(u)), final[u], optimal[u], [.. mean.AsSpan(u * arms, arms)]));
        }

        var result = new ClosedLoopResult(Summarise(mean, optimal, ordered, cumulativeReward, cumulativeRegret), days.MoveToImmutable(), outcomes.MoveToImmutable());
        measured.Add(Math.Min(1, _days));
        return result;
    }

    /// <summary>The measured arm of a policy arm index; -1 stays -1.</summary>
    private int Measured(int policyArm) => policyArm < 0 ? -1 : _ofPolicyArm[policyArm];

    /// <summary>The measured arm served to the user most, the first of equals among the policy's arms; -1 without sessions.</summary>
    private int MostServed(int user)
    {
        int arms = _arms.Length;
        int most = -1;
        foreach (int a in _ofPolicyArm)
        {
            int pulls = _pulls[user * arms + a];
            most = pulls > 0 && (most < 0 || pulls > _pulls[user * arms + most]) ? a : most;
        }

        return most;
    }

    /// <summary>Per user, the arm served most in their last quarter of sessions (rounded up), the first of equals; -1 without sessions.</summary>
    private static int[] FinalChoices((int Day, int User, byte Arm, byte Reward)[] ordered, int users, int arms)
    {
        var total = new int[users];
        foreach (var s in ordered)
        {
            total[s.User]++;
        }

        var seen = new int[users];
        var counts = new int[users * arms];
        foreach (var s in ordered)
        {
            int at = seen[s.User]++;
            if (at >= total[s.User] - (total[s.User] + 3) / 4)
            {
                counts[s.User * arms + s.Arm]++;
            }
        }

        var final = new int[users];
        for (int u = 0; u < users; u++)
        {
            final[u] = total[u] == 0 ? -1 : 0;
            for (int a = 1; a < arms && total[u] > 0; a++)
            {
                final[u] = counts[u * arms + a] > counts[u * arms + final[u]] ? a : final[u];
            }
        }

        return final;
    }

    private LoopSummary Summarise(double[] mean, int[] optimal, (int Day, int User, byte Arm, byte Reward)[] ordered, long reward, double regret)
    {
        int users = UserCount;
        var final = _best.Count > 0 ? _best[^1] : new sbyte[users];
        var sessionDays = new List<int>?[users];
        foreach (var s in ordered)
        {
            (sessionDays[s.User] ??= []).Add(s.Day);
        }

        int counted = 0, learned = 0, mostChosen = 0;
        double blendError = 0;
        var settle = new List<int>();
        for (int u = 0; u < users; u++)
        {
            if (sessionDays[u] is not { } seen || optimal[u] < 0)
            {
                continue;
            }

            counted++;
            learned += final[u] == optimal[u] ? 1 : 0;
            mostChosen += MostServed(u) == optimal[u] ? 1 : 0;
            blendError += Math.Abs(_arms[Math.Max(0, (int)final[u])].Blend - _arms[optimal[u]].Blend);

            // The last day the learned best arm changed; the user's sessions up to that day.
            int lastChange = 0;
            for (int d = 1; d < _best.Count; d++)
            {
                if (_best[d][u] != _best[d - 1][u])
                {
                    lastChange = d;
                }
            }

            settle.Add(seen.Count(day => day <= lastChange));
        }

        settle.Sort();
        return new LoopSummary
        {
            Policy = _policy.Name,
            Arms = _arms,
            PolicyArms = _policy.Arms,
            OracleArms = [.. _arms.Where((_, a) => _inRun[a])],
            Sessions = ordered.Length,
            Reward = reward,
            Regret = regret,
            Users = counted,
            OptimalLearnedShare = counted == 0 ? 0 : learned / (double)counted,
            OptimalMostChosenShare = counted == 0 ? 0 : mostChosen / (double)counted,
            BlendError = counted == 0 ? 0 : blendError / counted,
            MedianSessionsToSettle = settle.Count == 0 ? 0 : settle.Count % 2 == 1 ? settle[settle.Count / 2] : (settle[settle.Count / 2 - 1] + settle[settle.Count / 2]) / 2.0,
        };
    }
}

using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Simulation;
using RecSynth.Internals;

namespace RecSynth.Bandits;

/// <summary>One logged session, as off-policy evaluation sees it.</summary>
/// <param name="SessionId">The session id (its policy draws are keyed by it).</param>
/// <param name="StartedAt">Start, Unix seconds.</param>
/// <param name="User">User index.</param>
/// <param name="Arm">Index of the arm served, into the evaluated policy's arms (-1: an arm the policy does not have).</param>
/// <param name="Propensity">The logging policy's probability of that arm.</param>
/// <param name="Reward">0 or 1.</param>
public readonly record struct LoggedSession(long SessionId, long StartedAt, int User, int Arm, double Propensity, int Reward);

/// <summary>An estimate of a policy's value (reward per session) with a 95 % confidence interval.</summary>
/// <param name="Method">ips, snips, dr or replay.</param>
/// <param name="Value">The estimate.</param>
/// <param name="Low">Lower end of the 95 % interval.</param>
/// <param name="High">Upper end of the 95 % interval.</param>
/// <param name="Sessions">Logged sessions the estimate uses (for replay: those where the policy agreed with the log).</param>
public sealed record PolicyEstimate(string Method, double Value, double Low, double High, long Sessions);

/// <summary>
/// Off-policy estimates of a policy's reward per session from a log with known propensities (docs/design.md §7). For a
/// policy whose choice depends only on the user (uniform, fixed, the per-user best arm): inverse propensity scoring
/// (IPS), its self-normalised form (SNIPS) and doubly robust (DR) with a simple reward model (each user's rate on the
/// arm, shrunk towards the arm's overall rate with the weight of 5 sessions). Intervals: normal, from the per-session
/// terms (SNIPS by the delta method). For a learning policy: the replay method, which walks the log in time order, lets
/// the policy choose, and keeps the sessions where it chose what was logged (unbiased for a uniform log).
/// </summary>
public static class OffPolicy
{
    private const double Z = 1.959963984540054;
    private const double Shrinkage = 5;

    /// <summary>IPS, SNIPS and DR for a policy with, per user, the probability <paramref name="target"/>(user, arm) of each arm.</summary>
    public static ImmutableArray<PolicyEstimate> Stationary(IReadOnlyList<LoggedSession> log, int arms, Func<int, int, double> target)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(target);
        int n = log.Count;
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            var s = log[i];
            weights[i] = s.Arm < 0 ? 0 : target(s.User, s.Arm) / s.Propensity;
        }

        // IPS.
        var ips = Terms(n, i => weights[i] * log[i].Reward);

        // SNIPS: Σ w r / Σ w, with the delta method's variance.
        double sumW = weights.Sum();
        double snips = sumW == 0 ? double.NaN : Enumerable.Range(0, n).Sum(i => weights[i] * log[i].Reward) / sumW;
        double meanW = sumW / n;
        double snipsVariance = Enumerable.Range(0, n).Sum(i => Math.Pow(weights[i] * (log[i].Reward - snips), 2)) / n / (meanW * meanW) / n;

        // DR with a shrunk per-user, per-arm rate.
        var model = RewardModel(log, arms);
        var users = log.Select(s => s.User).Distinct().ToDictionary(u => u, u => Enumerable.Range(0, arms).Sum(a => target(u, a) * model(u, a)));
        var dr = Terms(n, i =>
        {
            var s = log[i];
            double direct = users[s.User];
            return s.Arm < 0 ? direct : direct + weights[i] * (s.Reward - model(s.User, s.Arm));
        });

        return
        [
            Interval("ips", ips.Mean, ips.Se, n),
            Interval("snips", snips, Math.Sqrt(snipsVariance), n),
            Interval("dr", dr.Mean, dr.Se, n),
        ];
    }

    /// <summary>
    /// The replay estimate of a learning policy: the log in time order, kept where the policy (drawing from the same
    /// per-session streams as a run with <paramref name="seed"/>) agrees with it, and learning from those sessions only.
    /// </summary>
    public static PolicyEstimate Replay(IReadOnlyList<LoggedSession> log, ISessionPolicy policy, long seed)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(policy);
        long kept = 0, rewards = 0;
        for (int i = 0; i < log.Count; i++)
        {
            var s = log[i];
            var random = new PolicyRandom((ulong)seed, s.SessionId);
            var arm = policy.Choose(s.User, ref random).Arm;
            if (s.Arm < 0 || policy.Arms[s.Arm] != arm)
            {
                continue;
            }

            kept++;
            rewards += s.Reward;
            policy.Learn(s.User, arm, s.Reward);
            if (i + 1 < log.Count && log[i + 1].StartedAt / 86_400 != s.StartedAt / 86_400)
            {
                policy.EndOfDay();
            }
        }

        double value = kept == 0 ? double.NaN : rewards / (double)kept;
        double se = kept == 0 ? double.NaN : Math.Sqrt(value * (1 - value) / kept);
        return new PolicyEstimate("replay", value, value - Z * se, value + Z * se, kept);
    }

    private static (double Mean, double Se) Terms(int n, Func<int, double> term)
    {
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double t = term(i);
            sum += t;
            squares += t * t;
        }

        double mean = sum / n;
        double variance = n > 1 ? Math.Max(0, (squares - n * mean * mean) / (n - 1)) : 0;
        return (mean, Math.Sqrt(variance / n));
    }

    private static PolicyEstimate Interval(string method, double value, double se, long n) => new(method, value, value - Z * se, value + Z * se, n);

    private static Func<int, int, double> RewardModel(IReadOnlyList<LoggedSession> log, int arms)
    {
        var armRewards = new double[arms];
        var armCounts = new double[arms];
        var user = new Dictionary<(int, int), (int N, int R)>();
        foreach (var s in log.Where(s => s.Arm >= 0))
        {
            armRewards[s.Arm] += s.Reward;
            armCounts[s.Arm]++;
            var (n, r) = user.GetValueOrDefault((s.User, s.Arm));
            user[(s.User, s.Arm)] = (n + 1, r + s.Reward);
        }

        return (u, a) =>
        {
            double prior = armCounts[a] == 0 ? 0.5 : armRewards[a] / armCounts[a];
            var (n, r) = user.GetValueOrDefault((u, a));
            return (r + Shrinkage * prior) / (n + Shrinkage);
        };
    }
}

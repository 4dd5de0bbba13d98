using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §5, ground_truth.csv: every user's expected reward of every arm and blend under the model. The
/// realized rewards of the arm a fixed policy serves must agree with the ground truth's expectation for that arm's
/// level. The truth of a session is the exact expected reward p_s of its slate given the user's state, and the realized
/// reward is a Bernoulli(p_s) draw given that state, so Σ_s (reward_s − p_s) is a martingale with variance Σ_s p_s(1 − p_s).
/// Σ p_s and Σ p_s² per user are recovered from the estimate: n·mean and (n − 1)·n·SE² + n·mean².
/// </summary>
public sealed class GroundTruthTests(GroundTruthRuns fixture) : IClassFixture<GroundTruthRuns>
{
    public static TheoryData<int> Policies => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Realized_rewards_agree_with_the_expected_rewards_summed_over_users(int policy)
    {
        var (run, level) = Run(policy);
        double realized = 0, expected = 0, variance = 0;
        foreach (var (_, n, rewards, mean, sumOfSquares) in Users(run, level))
        {
            realized += rewards;
            expected += n * mean;
            variance += n * mean - sumOfSquares; // Σ p(1 − p)
        }

        // CLT for the martingale: 4σ as asked (p ≈ 6e-5 per check).
        double bound = 4 * Math.Sqrt(variance);
        Report($"{run.Policy}: realized {realized:F0}, expected {expected:F1}, difference {realized - expected:F1} (4σ = {bound:F1}) over {run.Sessions.Length} sessions");
        Assert.True(Math.Abs(realized - expected) <= bound, $"{run.Policy}: realized {realized} vs expected {expected:F1}, beyond 4σ = {bound:F1}");
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Per_user_the_realized_reward_rate_agrees_with_the_expected_one(int policy)
    {
        // z_u = (realized mean − expected mean) / √(p̄(1 − p̄)/n): mean 0 and, since Σp(1−p) <= n·p̄(1−p̄), variance at
        // most 1. Over users with >= 10 sessions (and 0 < p̄ < 1): the mean of z within 5/√N of 0, the variance at
        // most 1 + 5·√(2/N) (a chi-square-like spread), and |z| > 4 rare (normal: 6e-5; Bernoulli sums with
        // n >= 10 and small p̄ are skewed, so allow 0.5 %).
        var (run, level) = Run(policy);
        var z = Users(run, level)
            .Where(u => u.Sessions >= 10 && u.Mean is > 0 and < 1)
            .Select(u => (u.Rewards / u.Sessions - u.Mean) / Math.Sqrt(u.Mean * (1 - u.Mean) / u.Sessions))
            .ToArray();
        int n = z.Length;
        double mean = Stats.Mean(z), variance = Stats.Variance(z);
        double beyond = z.Count(v => Math.Abs(v) > 4) / (double)n;
        Report($"{run.Policy}: {n} users, mean z {mean:F3}, variance {variance:F3}, |z| > 4: {beyond:P2}");
        Assert.True(n > 300, $"only {n} users with 10 sessions");
        Stats.AssertNear(0, mean, Stats.Z / Math.Sqrt(n), $"{run.Policy}: mean per-user z");
        Assert.True(variance <= 1 + Stats.Z * Math.Sqrt(2.0 / n), $"{run.Policy}: variance of per-user z {variance:F3}");
        Assert.True(beyond <= 0.005, $"{run.Policy}: {beyond:P2} of users have |z| > 4");
    }

    [Fact]
    public void Realized_rewards_agree_with_the_expected_rewards_when_slates_are_short()
    {
        // A catalogue of 11 products, 20 % of them listed during the period, with purchases never shown again: many
        // slates hold fewer than K = 10 products, and a user who examines the last of them stops there for want of more
        // (not by the position bias). The expectation must count that; the same martingale bound as above (4σ).
        var options = SimulatedRun.ShortOptions(products: 11, users: 600, days: 91, behaviour: b => b with { GroundTruthSessions = 0 });
        var run = SimulatedRun.Simulate(options, "fixed:cf");
        int level = 0;
        double realized = 0, expected = 0, variance = 0;
        foreach (var (_, n, rewards, mean, sumOfSquares) in Users(run, level))
        {
            realized += rewards;
            expected += n * mean;
            variance += n * mean - sumOfSquares;
        }

        double shortShare = run.Sessions.Count(s => s.SlateSize < options.Behaviour.SlateSize) / (double)run.Sessions.Length;
        double bound = 4 * Math.Sqrt(variance);
        Report($"short slates: {shortShare:P1} of {run.Sessions.Length} sessions; realized {realized:F0}, expected {expected:F1} (4σ = {bound:F1})");
        Assert.True(shortShare > 0.3, $"only {shortShare:P1} of the slates are short");
        Assert.True(Math.Abs(realized - expected) <= bound, $"realized {realized} vs expected {expected:F1}, beyond 4σ = {bound:F1}");
    }

    [Fact]
    public void Every_session_counts_with_ground_truth_sessions_zero_and_users_without_sessions_have_no_estimate()
    {
        foreach (var run in fixture.Runs)
        {
            var counts = run.Sessions.GroupBy(s => s.User).ToDictionary(g => g.Key, g => g.Count());
            int without = 0;
            for (int u = 0; u < run.World.UserList.Length; u++)
            {
                int sessions = counts.GetValueOrDefault(u);
                Assert.Equal(sessions, run.Truth.Sessions(u));
                for (int level = 0; level < run.Truth.Levels; level++)
                {
                    var (mean, error) = run.Truth.Estimate(u, level);
                    Assert.True(sessions == 0 ? double.IsNaN(mean) && double.IsNaN(error) : mean is >= 0 and <= 1 && error >= 0,
                        $"{run.Policy}: U{u} with {sessions} sessions has estimate ({mean}, {error}) at level {level}");
                }

                without += sessions == 0 ? 1 : 0;
            }

            // In 13 weeks, occasional users and most who join during the year have no session: the NaN case occurs.
            Assert.True(without > 10, $"{run.Policy}: only {without} users without sessions");
        }
    }

    [Fact]
    public void The_standard_error_of_a_users_estimate_shrinks_with_more_sessions()
    {
        // SE = sd/√n: the median SE of users with >= 40 sessions is below that of users with 5–10 sessions, by about
        // √(7/50) ≈ 0.4 if the spread is alike; asserted with room: below 0.7 of it.
        var run = fixture.Runs[0];
        var truth = run.Truth;
        double Median(Func<int, bool> sessions) => Stats.Median(Enumerable.Range(0, run.World.UserList.Length)
            .Where(u => sessions(truth.Sessions(u))).Select(u => truth.Estimate(u, 0).StandardError));
        double few = Median(n => n is >= 5 and <= 10), many = Median(n => n >= 40);
        Report($"median standard error: 5–10 sessions {few:F4}, >= 40 sessions {many:F4}");
        Assert.True(many < 0.7 * few, $"median standard error {many:F4} with >= 40 sessions is not well below {few:F4} with 5–10");
    }

    [Fact]
    public void The_estimate_is_the_mean_and_standard_error_of_what_was_added()
    {
        // The arithmetic itself: values 0.1, 0.2, …, 1.0 for user 1 at level 1 (user 0 untouched).
        var truth = new GroundTruth(firstUser: 0, users: 2, levels: 2);
        double[] values = [.. Enumerable.Range(1, 10).Select(k => k / 10.0)];
        foreach (double v in values)
        {
            truth.CountSession(1);
            truth.Add(1, 1, v);
            truth.Add(1, 0, 0.5);
        }

        var (mean, error) = truth.Estimate(1, 1);
        Assert.Equal(Stats.Mean(values), mean, 12);
        Assert.Equal(Stats.StandardError(values), error, 12);
        Assert.Equal((0.5, 0.0), truth.Estimate(1, 0));
        Assert.True(double.IsNaN(truth.Estimate(0, 0).Mean) && double.IsNaN(truth.Estimate(0, 0).StandardError));

        // Four times the sessions with the same spread: half the standard error (up to the n − 1 in the variance).
        var more = new GroundTruth(firstUser: 0, users: 1, levels: 1);
        for (int copy = 0; copy < 4; copy++)
        {
            foreach (double v in values)
            {
                more.CountSession(0);
                more.Add(0, 0, v);
            }
        }

        double expected = error / 2 * Math.Sqrt(9.0 / 10 * 40 / 39);
        Assert.Equal(expected, more.Estimate(0, 0).StandardError, 12);
    }

    private (SimulatedRun Run, int Level) Run(int policy)
    {
        var run = fixture.Runs[policy];
        double blend = run.Sessions[0].Arm.Blend;
        Expect.All(run.Sessions, s => s.Arm.Blend == blend && s.Propensity == 1, s => $"{s.Arm} with propensity {s.Propensity}", $"{run.Policy} serves one arm with propensity 1");
        return (run, run.Options.Behaviour.BlendLevels.IndexOf(blend));
    }

    /// <summary>Per user with sessions: sessions, realized rewards, the truth's mean at the level and Σ p².</summary>
    internal static IEnumerable<(int User, int Sessions, double Rewards, double Mean, double SumOfSquares)> Users(SimulatedRun run, int level)
    {
        var rewards = run.Sessions.GroupBy(s => s.User).ToDictionary(g => g.Key, g => g.Sum(s => s.Reward));
        for (int u = 0; u < run.World.UserList.Length; u++)
        {
            int n = run.Truth.Sessions(u);
            if (n == 0)
            {
                continue;
            }

            var (mean, error) = run.Truth.Estimate(u, level);
            yield return (u, n, rewards.GetValueOrDefault(u), mean, (n - 1) * n * error * error + n * mean * mean);
        }
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

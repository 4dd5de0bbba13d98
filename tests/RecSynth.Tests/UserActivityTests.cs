using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §3.5, activity (mean sessions per week): heavy-tailed, most users occasional, a few very active. By
/// default log-normal with median 1 and sigma 1, clipped to [0.05, 20], 4 decimals.
/// </summary>
public sealed class UserActivityTests(UserSample sample) : IClassFixture<UserSample>
{
    private readonly User[] _users = sample.Users;

    [Fact]
    public void Activity_is_clipped_to_0_05_and_20_and_has_four_decimals()
    {
        Expect.All(_users, u => u.Activity is >= 0.05 and <= 20 && Stats.HasAtMostDecimals(u.Activity, 4),
            u => $"U{u.Index}: {u.Activity:R}", "activity in [0.05, 20] with four decimals");

        // P(X < 0.05) = P(X > 20) = Φ(ln 0.05) = 0.0014 for a log-normal(0, 1): ~270 users sit on each clip.
        Assert.Contains(_users, u => u.Activity == 0.05);
        Assert.Contains(_users, u => u.Activity == 20);
    }

    [Fact]
    public void The_median_user_opens_about_one_session_a_week()
    {
        // The log of the sample median has a standard error of 1.2533 · σ/√n = 0.0028 (n = 200,000); clipping the
        // tails does not move the median. 5σ band on the log scale.
        double median = Stats.Median(_users.Select(u => u.Activity));
        Stats.AssertNear(0, Math.Log(median), Stats.Z * 1.2533 / Math.Sqrt(_users.Length), "log of the median activity");
    }

    [Fact]
    public void The_mean_is_well_above_the_median_as_for_a_clipped_log_normal()
    {
        // E[clip(X, a, b)] for X ~ LogNormal(0, 1) = a·Φ(ln a) + e^½·(Φ(ln b − 1) − Φ(ln a − 1)) + b·(1 − Φ(ln b)) = 1.638.
        // sd ≈ 1.9, standard error 0.0043 at n = 200,000; 5σ band.
        double expected = ClippedLogNormalMean(0.05, 20);
        double[] activity = [.. _users.Select(u => u.Activity)];
        Stats.AssertNear(expected, Stats.Mean(activity), Stats.Z * Stats.StandardError(activity), "mean activity");
        Assert.True(Stats.Mean(activity) > 1.5 * Stats.Median(activity), "the mean is not well above the median: not heavy-tailed");
    }

    [Fact]
    public void A_few_users_are_very_active()
    {
        // Ten times the median or more: 1 − Φ(ln 10) = 1.07 % of a log-normal(0, 1); standard error 0.00023, 5σ band.
        double expected = 1 - Stats.NormalCdf(Math.Log(10));
        double share = _users.Count(u => u.Activity >= 10) / (double)_users.Length;
        Stats.AssertNear(expected, share, Stats.Z * Stats.ProportionError(expected, _users.Length), "share of users with ≥ 10 sessions a week");
    }

    [Fact]
    public void The_most_active_tenth_open_almost_two_fifths_of_the_sessions()
    {
        // Above q = e^z₀.₉ (3.6, below the clip at 20) the clipped log-normal holds
        // e^½·(Φ(ln 20 − 1) − Φ(z₀.₉ − 1)) + 20·(1 − Φ(ln 20)) of the mean 1.638, a share of 0.385. The sample share
        // is dominated by the tail values, sd of one term ≈ 2 → standard error ≈ 0.002; ±0.01.
        double z90 = Stats.NormalQuantile(0.9);
        double tail = Math.Exp(0.5) * (Stats.NormalCdf(Math.Log(20) - 1) - Stats.NormalCdf(z90 - 1)) + 20 * (1 - Stats.NormalCdf(Math.Log(20)));
        double expected = tail / ClippedLogNormalMean(0.05, 20);
        double[] sorted = [.. _users.Select(u => u.Activity).OrderDescending()];
        double topTenth = sorted.Take(sorted.Length / 10).Sum() / sorted.Sum();
        Stats.AssertNear(expected, topTenth, 0.01, "share of sessions of the most active tenth");
        Assert.True(topTenth > 0.3, "the most active tenth do not dominate: not heavy-tailed");
    }

    [Fact]
    public void The_median_and_clips_are_configurable()
    {
        var options = Scenario.Defaults(users: 50_000).WithUsers(u => u with { Activity = new() { Median = 3, Sigma = 0.5, Min = 1, Max = 6 } });
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Expect.All(users, u => u.Activity is >= 1 and <= 6, u => $"U{u.Index}: {u.Activity}", "activity in [1, 6]");

        // log median standard error 1.2533 · 0.5/√50,000 = 0.0028.
        Stats.AssertNear(Math.Log(3), Math.Log(Stats.Median(users.Select(u => u.Activity))), Stats.Z * 1.2533 * 0.5 / Math.Sqrt(users.Length), "log median activity");
    }

    /// <summary>E[clip(X, a, b)] for X ~ LogNormal(0, 1).</summary>
    private static double ClippedLogNormalMean(double a, double b) =>
        a * Stats.NormalCdf(Math.Log(a)) + Math.Exp(0.5) * (Stats.NormalCdf(Math.Log(b) - 1) - Stats.NormalCdf(Math.Log(a) - 1))
        + b * (1 - Stats.NormalCdf(Math.Log(b)));
}

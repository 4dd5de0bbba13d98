using CsCheck;
using RecSynth.Reports.Internals;
using RecSynth.Testing;

namespace RecSynth.Reports.Tests;

/// <summary>The series the learning curves and the cf_preference chart draw, against plain recomputations, and the captions that say what they are.</summary>
public sealed class ChartSeriesTests(ReportDatasets datasets)
{
    [Fact]
    public void The_moving_reward_rate_is_the_rewards_over_the_sessions_of_the_last_days()
    {
        var gen =
            from days in Gen.Int[1, 60]
            from window in Gen.Int[1, 10]
            from sessions in Gen.Long[0, 50].Array[days]
            from shares in Gen.Double[0, 1].Array[days]
            select (window, sessions, Rewards: sessions.Select((n, d) => (long)Math.Floor(n * shares[d])).ToArray());

        gen.Sample(t =>
        {
            double[] smoothed = Charts.MovingRewardRate(t.Rewards, t.sessions, t.window);
            for (int d = 0; d < t.sessions.Length; d++)
            {
                int from = Math.Max(0, d - t.window + 1);
                long n = 0, r = 0;
                for (int k = from; k <= d; k++)
                {
                    n += t.sessions[k];
                    r += t.Rewards[k];
                }

                if (smoothed[d] != (n == 0 ? 0 : r / (double)n))
                {
                    return false;
                }
            }

            return smoothed.Length == t.sessions.Length;
        }, iter: 500);
    }

    [Fact]
    public void The_cf_preference_histogram_is_the_share_of_users_in_each_bin()
    {
        double[] values = [0, 0.01, 0.049, 0.05, 0.5, 0.5, 0.999, 1];

        double[] shares = Charts.Shares(values, 0, 1, 20);

        Assert.Equal(20, shares.Length);
        Assert.Equal(1, shares.Sum(), 12);
        Assert.Equal(3 / 8.0, shares[0]);
        Assert.Equal(1 / 8.0, shares[1]);
        Assert.Equal(2 / 8.0, shares[10]);
        Assert.Equal(2 / 8.0, shares[19]); // 1 falls in the last bin
    }

    [Fact]
    public void The_captions_say_what_the_axes_and_the_lines_are()
    {
        using var temp = new TempDirectory("report-captions");

        var page = datasets.ReportWithMetrics(temp);

        string cf = page.Text("chart-cf-preference");
        Assert.Contains($"Share of the {ReportDatasets.Users} users", cf, StringComparison.Ordinal);
        Assert.Contains("bin of cf_preference 0.05 wide", cf, StringComparison.Ordinal);
        Assert.Contains("x: cf_preference", cf, StringComparison.Ordinal);
        Assert.Contains("y: share of users", cf, StringComparison.Ordinal);
        string reward = page.Text("chart-reward-rate");
        Assert.Contains("7-day moving average", reward, StringComparison.Ordinal);
        Assert.Contains("rewards of the last 7 days over their sessions", reward, StringComparison.Ordinal);
    }
}

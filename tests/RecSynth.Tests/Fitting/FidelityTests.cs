using RecSynth.Behaviour;
using RecSynth.Fitting;
using Xunit;

namespace RecSynth.Tests.Fitting;

/// <summary>The distances and scores of <see cref="Fidelity"/>.</summary>
public class FidelityTests
{
    [Fact]
    public void Kolmogorov_smirnov_is_the_largest_gap_between_the_cumulative_shares()
    {
        Assert.Equal(0, Fidelity.KolmogorovSmirnov([1, 2, 3], [2, 4, 6]));
        Assert.Equal(1, Fidelity.KolmogorovSmirnov([5, 0], [0, 5]));
        // [0.5, 0.5] against [0.25, 0.25, 0.5]: cumulative 0.5/1/1 against 0.25/0.5/1.
        Assert.Equal(0.5, Fidelity.KolmogorovSmirnov([1, 1], [1, 1, 2]), 12);
        Assert.Equal(1, Fidelity.KolmogorovSmirnov([], [3]));
        Assert.Equal(0, Fidelity.KolmogorovSmirnov([0], []));
    }

    [Fact]
    public void A_log_against_itself_scores_100_and_a_statistic_at_its_tolerance_90()
    {
        var profiler = new LogProfiler();
        for (int i = 0; i < 200; i++)
        {
            profiler.Add(i % 17, i % 31, i % 5 == 0 ? FeedbackType.Like : FeedbackType.View, 1_709_510_400 + (i * 977));
        }

        var p = profiler.Finish();
        var self = Fidelity.Compare(p, p);
        Assert.Equal(100, self.Score, 12);
        Assert.All(self.Statistics, s => Assert.Equal(0, s.Distance));

        var more = Fidelity.Compare(p, p with { Users = (long)Math.Round(p.Users * 1.1) });
        var users = more.Statistics.Single(s => s.Key == "users");
        Assert.Equal(Fidelity.RelativeError(p.Users, Math.Round(p.Users * 1.1)), users.Distance, 12);
        Assert.Equal(100 * Math.Pow(0.9, users.Distance / 0.1), users.Score, 9);
        Assert.True(more.Score < 100);
        Assert.Equal(90, 100 * Math.Pow(0.9, 0.05 / Fidelity.Tolerance(FidelityMeasure.KolmogorovSmirnov)), 12);
    }
}

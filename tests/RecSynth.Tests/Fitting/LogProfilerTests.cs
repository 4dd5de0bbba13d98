using RecSynth.Behaviour;
using RecSynth.Fitting;
using Xunit;

namespace RecSynth.Tests.Fitting;

/// <summary>The profile of small logs whose every statistic is counted by hand.</summary>
public class LogProfilerTests
{
    // Monday 2024-03-04 00:00 UTC.
    private const long Monday = 1_709_510_400;

    [Fact]
    public void Sessions_are_split_by_inactivity_and_counted_with_their_length_start_hour_weekday_and_gaps()
    {
        var profiler = new LogProfiler(sessionGapSeconds: 1800);
        // User 0: a session of 3 events Monday 10:00-10:20, then one of 1 event Tuesday 09:00 (a gap of 22:40).
        profiler.Add(0, 0, FeedbackType.View, Monday + (10 * 3600));
        profiler.Add(0, 1, FeedbackType.View, Monday + (10 * 3600) + 600);
        profiler.Add(0, 1, FeedbackType.Like, Monday + (10 * 3600) + 1200);
        profiler.Add(0, 0, FeedbackType.Purchase, Monday + 86_400 + (9 * 3600));
        // User 1: one event on Sunday 23:59.
        profiler.Add(1, 2, FeedbackType.View, Monday + (6 * 86_400) + 86_340);

        var p = profiler.Finish();

        Assert.Equal(5, p.Events);
        Assert.Equal(2, p.Users);
        Assert.Equal(3, p.Items);
        Assert.Equal(3, p.Sessions);
        Assert.Equal(1800, p.SessionGapSeconds);
        Assert.Equal((3, 1, 1), (p.Views, p.Likes, p.Purchases));
        Assert.Equal([0, 2, 0, 1], p.EventsPerSession.Take(4));
        Assert.Equal([0, 1, 1], p.SessionsPerUser.Take(3));
        Assert.Equal(1, p.HourOfDay[10]);
        Assert.Equal(1, p.HourOfDay[9]);
        Assert.Equal(1, p.HourOfDay[23]);
        Assert.Equal([1, 1, 0, 0, 0, 0, 1], p.DayOfWeek);
        // One gap, 81,600 s: log10 = 4.91, bucket 98 of width 0.05.
        Assert.Equal(1, p.GapHistogram.Sum());
        Assert.Equal(1, p.GapHistogram[(int)(Math.Log10(81_600) / LogProfile.GapBucketWidth)]);
        Assert.Equal(7, p.Days);
        Assert.Equal([1, 0, 0, 0, 0, 0, 1], p.UserArrivals);
        Assert.Equal([2, 0, 0, 0, 0, 0, 1], p.ItemArrivals);
        Assert.Equal(Monday + (6 * 86_400) + 86_340, p.LastSessionStart);
        // The purchase of product 0 in the second session repeats an earlier session's product; the like of 1 does not.
        Assert.Equal(1 / 5.0, p.RepeatShare, 12);
        Assert.Equal(0, p.OutOfOrder);
    }

    [Fact]
    public void Session_ids_split_sessions_whatever_the_gaps()
    {
        var profiler = new LogProfiler();
        profiler.Add(0, 0, FeedbackType.View, Monday, session: 7);
        profiler.Add(0, 1, FeedbackType.View, Monday + 10, session: 8);
        profiler.Add(0, 2, FeedbackType.View, Monday + 5 * 86_400, session: 8);
        profiler.Add(0, 2, FeedbackType.View, Monday + 5 * 86_400 - 100, session: 8); // out of order

        var p = profiler.Finish();

        Assert.Equal(2, p.Sessions);
        Assert.Equal(0, p.SessionGapSeconds);
        Assert.Equal([0, 1, 0, 1], p.EventsPerSession.Take(4));
        Assert.Equal(1, p.OutOfOrder);
        Assert.Equal(0, p.RepeatShare);
    }

    [Fact]
    public void The_popularity_curve_and_gini_match_their_definitions()
    {
        var profiler = new LogProfiler();
        // 100 products: product i has i + 1 events (5,050 events), spread over 50 users.
        int user = 0;
        for (int item = 0; item < 100; item++)
        {
            for (int e = 0; e <= item; e++)
            {
                profiler.Add(user++ % 50, item, FeedbackType.View, Monday + user);
            }
        }

        var p = profiler.Finish();

        // Top 1 %: the product with 100 events; top 10 %: those with 91..100; the Gini coefficient by its definition,
        // G = Σ_i Σ_j |x_i − x_j| / (2 n² mean), counted here pair by pair.
        double[] counts = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        double mean = counts.Average();
        double gini = counts.Sum(a => counts.Sum(b => Math.Abs(a - b))) / (2 * 100 * 100 * mean);
        Assert.Equal(100 / 5050.0, p.Top1Share, 12);
        Assert.Equal(Enumerable.Range(91, 10).Sum() / 5050.0, p.Top10Share, 12);
        Assert.Equal(Enumerable.Range(81, 20).Sum() / 5050.0, p.Top20Share, 12);
        Assert.Equal(gini, p.Gini, 12);
        Assert.Equal(1.0, p.PopularityCurve[100], 12);
    }

    [Fact]
    public void Above_its_budget_the_repeat_share_is_measured_on_a_sample_of_users()
    {
        // 1,000,000 users × 2 products in two sessions (2 M pairs > the 1 M budget): each user's second session views
        // one product again, so the share is 1/3 among every user, and so in any sample of them.
        var profiler = new LogProfiler(sessionGapSeconds: 60);
        for (int u = 0; u < 1_000_000; u++)
        {
            profiler.Add(u, 2 * (u % 1000), FeedbackType.View, Monday);
            profiler.Add(u, (2 * (u % 1000)) + 1, FeedbackType.View, Monday + 1);
            profiler.Add(u, 2 * (u % 1000), FeedbackType.View, Monday + 3600);
        }

        var p = profiler.Finish();

        Assert.Equal(1 / 3.0, p.RepeatShare, 12);
        Assert.True(p.RepeatSampleEvents < p.Events, $"{p.RepeatSampleEvents} of {p.Events}");
        Assert.True(p.RepeatSampleEvents > p.Events / 4, $"{p.RepeatSampleEvents} of {p.Events}");
    }
}

using System.Collections.Immutable;

namespace RecSynth.Fitting;

/// <summary>How a statistic of <see cref="Fidelity"/> is compared.</summary>
public enum FidelityMeasure
{
    /// <summary>A number: |synthetic − real| / |real| (0 when both are 0).</summary>
    RelativeError,

    /// <summary>A distribution: the Kolmogorov–Smirnov distance, the largest gap between the two cumulative shares.</summary>
    KolmogorovSmirnov,
}

/// <summary>One statistic side by side.</summary>
/// <param name="Key">Its identifier (snake_case, the JSON key).</param>
/// <param name="Name">What it is, for people.</param>
/// <param name="Measure">How the two are compared.</param>
/// <param name="Real">The real log's value (for a distribution: its mean).</param>
/// <param name="Synthetic">The synthetic log's value (for a distribution: its mean).</param>
/// <param name="Distance">The distance by <paramref name="Measure"/>.</param>
/// <param name="Score">0–100: 100 × 0.9^(distance / tolerance), so a statistic at the tolerance (10 % relative, KS 0.05) scores 90.</param>
public sealed record FidelityStatistic(string Key, string Name, FidelityMeasure Measure, double Real, double Synthetic, double Distance, double Score)
{
    /// <summary>Whether the statistic is within the tolerance: 10 % relative error, or a KS distance of 0.05.</summary>
    public bool Close => Distance <= Fidelity.Tolerance(Measure) + 1e-12;
}

/// <summary>Every statistic of two logs side by side, with an overall score.</summary>
/// <param name="Statistics">Each statistic, in a fixed order.</param>
/// <param name="Score">The mean of the statistics' scores, 0–100.</param>
public sealed record FidelityReport(ImmutableArray<FidelityStatistic> Statistics, double Score);

/// <summary>
/// Sets two <see cref="LogProfile"/>s side by side, statistic by statistic (docs/fitting.md): numbers by relative error,
/// distributions (sessions per user, session length, gaps, hour of day, day of week, arrivals, popularity curve) by the
/// Kolmogorov–Smirnov distance, each scored 0–100, and the mean as the overall score.
/// </summary>
public static class Fidelity
{
    /// <summary>The distance at which a statistic scores 90: 0.1 relative error, 0.05 KS.</summary>
    public static double Tolerance(FidelityMeasure measure) => measure == FidelityMeasure.RelativeError ? 0.1 : 0.05;

    /// <summary>Compares <paramref name="synthetic"/> with <paramref name="real"/>.</summary>
    public static FidelityReport Compare(LogProfile real, LogProfile synthetic)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        var list = new List<FidelityStatistic>();
        void Number(string key, string name, Func<LogProfile, double> of)
        {
            double r = of(real), s = of(synthetic);
            list.Add(Scored(key, name, FidelityMeasure.RelativeError, r, s, RelativeError(r, s)));
        }

        void Distribution(string key, string name, Func<LogProfile, IReadOnlyList<long>> of, Func<int, double> value)
        {
            var r = of(real);
            var s = of(synthetic);
            list.Add(Scored(key, name, FidelityMeasure.KolmogorovSmirnov, Mean(r, value), Mean(s, value), KolmogorovSmirnov(r, s)));
        }

        Number("users", "users with an event", p => p.Users);
        Number("products", "products with an event", p => p.Items);
        Number("events", "events", p => p.Events);
        Number("sessions", "sessions", p => p.Sessions);
        Number("days", "days from the first event to the last", p => p.Days);
        Number("sessions_per_user_mean", "sessions per user, mean", p => p.SessionsPerUserMean);
        Distribution("sessions_per_user", "sessions per user", p => p.SessionsPerUser, k => k);
        Number("events_per_session_mean", "events per session, mean", p => p.EventsPerSessionMean);
        Distribution("events_per_session", "events per session", p => p.EventsPerSession, k => k);
        Distribution("session_gaps", "gap between a user's sessions (log10 s)", p => p.GapHistogram, b => (b + 0.5) * LogProfile.GapBucketWidth);
        Distribution("hour_of_day", "session starts by hour of day (UTC)", p => p.HourOfDay, h => h);
        Distribution("day_of_week", "session starts by day of week (0 = Monday)", p => p.DayOfWeek, d => d);
        Number("view_share", "share of events that are views", p => Share(p.Views, p.Events));
        Number("like_share", "share of events that are likes", p => Share(p.Likes, p.Events));
        Number("purchase_share", "share of events that are purchases", p => Share(p.Purchases, p.Events));
        Number("likes_per_view", "funnel: likes per view", p => p.LikesPerView);
        Number("purchases_per_view", "funnel: purchases per view", p => p.PurchasesPerView);
        Number("purchases_per_like", "funnel: purchases per like", p => p.PurchasesPerLike);
        Number("top1_share", "share of events on the top 1 % of products", p => p.Top1Share);
        Number("top10_share", "share of events on the top 10 % of products", p => p.Top10Share);
        Number("top20_share", "share of events on the top 20 % of products", p => p.Top20Share);
        Number("gini", "Gini coefficient of events per product", p => p.Gini);
        Distribution("user_arrivals", "users first seen, by day", p => p.UserArrivals, d => d);
        Distribution("product_arrivals", "products first seen, by day", p => p.ItemArrivals, d => d);
        Number("repeat_share", "share of events repeating a user's product from an earlier session", p => p.RepeatShare);
        var statistics = list.ToImmutableArray();
        return new FidelityReport(statistics, statistics.Length == 0 ? 0 : statistics.Average(s => s.Score));
    }

    /// <summary>|synthetic − real| / |real|; 0 when both are 0, 1 when only the real one is.</summary>
    public static double RelativeError(double real, double synthetic) =>
        real == synthetic ? 0 : real == 0 ? 1 : Math.Abs(synthetic - real) / Math.Abs(real);

    /// <summary>
    /// The Kolmogorov–Smirnov distance between two histograms over the same buckets (the shorter one padded with
    /// zeros): the largest gap between their cumulative shares; 0 when both are empty, 1 when only one is.
    /// </summary>
    public static double KolmogorovSmirnov(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double totalA = a.Sum(), totalB = b.Sum();
        if (totalA == 0 || totalB == 0)
        {
            return totalA == totalB ? 0 : 1;
        }

        double runA = 0, runB = 0, largest = 0;
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            runA += i < a.Count ? a[i] : 0;
            runB += i < b.Count ? b[i] : 0;
            largest = Math.Max(largest, Math.Abs((runA / totalA) - (runB / totalB)));
        }

        return largest;
    }

    private static FidelityStatistic Scored(string key, string name, FidelityMeasure measure, double real, double synthetic, double distance) =>
        new(key, name, measure, real, synthetic, distance, 100 * Math.Pow(0.9, distance / Tolerance(measure)));

    private static double Share(long part, long whole) => whole == 0 ? 0 : part / (double)whole;

    private static double Mean(IReadOnlyList<long> histogram, Func<int, double> value)
    {
        double total = 0, sum = 0;
        for (int i = 0; i < histogram.Count; i++)
        {
            total += histogram[i];
            sum += histogram[i] * value(i);
        }

        return total == 0 ? 0 : sum / total;
    }
}

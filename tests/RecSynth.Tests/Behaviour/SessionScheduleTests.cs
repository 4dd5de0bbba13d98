using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §4.1: each user opens sessions as a Poisson process at their activity (sessions per week), shaped by
/// a weekly and a daily profile (evening peak, livelier weekends), only after signed_up_at. On the small preset
/// (seed 42, ~376,000 sessions) against the process's exact expectation: for user u the intensity at time t is
/// activity_u × w(hour of week of t) / 168 per hour, w = weekly[day] × hourly[hour] scaled to mean 1, on
/// [max(start, signed_up_at), end). The expectations are computed here from the configured profiles, not by the code
/// under test.
/// </summary>
[Collection(SmallPresetGroup.Name)]
public sealed class SessionScheduleTests
{
    private readonly SimulatedRun _run;
    private readonly double[] _expectedByHourOfWeek = new double[168]; // expected sessions per hour of the week (Monday 00 = 0)
    private readonly long[] _observedByHourOfWeek = new long[168];
    private readonly double[] _lambda; // expected sessions per user
    private readonly int[] _count; // sessions per user

    public SessionScheduleTests(SmallPresetBehaviour fixture)
    {
        _run = fixture.Simulation;
        var profile = _run.Options.Behaviour.Sessions;
        var w = new double[168];
        for (int h = 0; h < 168; h++)
        {
            w[h] = profile.Weekly[h / 24] * profile.Hourly[h % 24];
        }

        double total = w.Sum();
        for (int h = 0; h < 168; h++)
        {
            w[h] *= 168 / total;
        }

        long start = _run.Options.Time.StartSeconds, end = _run.Options.Time.EndSeconds;
        int hours = (int)((end - start) / 3600); // the default period starts and ends on the hour
        Assert.Equal(end, start + hours * 3600L);
        var weight = new double[hours + 1];
        for (int i = 0; i < hours; i++)
        {
            weight[i] = w[HourOfWeek(start + i * 3600L)];
        }

        var after = new double[hours + 2]; // Σ of the weights of hours i..end
        for (int i = hours - 1; i >= 0; i--)
        {
            after[i] = after[i + 1] + weight[i];
        }

        // Activity present in each hour (Σ over users of activity × the share of the hour after sign-up), via a
        // difference array; and each user's expected count.
        var users = _run.World.UserList;
        var present = new double[hours + 1];
        var from = new double[hours + 1];
        _lambda = new double[users.Length];
        for (int u = 0; u < users.Length; u++)
        {
            long first = Math.Max(start, users[u].SignedUpAt);
            if (first >= end)
            {
                continue;
            }

            int i0 = (int)((first - start) / 3600);
            double share = (start + (i0 + 1) * 3600L - first) / 3600.0;
            double activity = users[u].Activity;
            present[i0] += activity * share;
            from[i0 + 1] += activity;
            _lambda[u] = activity / 168 * (weight[i0] * share + after[i0 + 1]);
        }

        double running = 0;
        for (int i = 0; i < hours; i++)
        {
            running += from[i];
            _expectedByHourOfWeek[HourOfWeek(start + i * 3600L)] += (present[i] + running) * weight[i] / 168;
        }

        _count = new int[users.Length];
        foreach (var s in _run.Sessions)
        {
            _observedByHourOfWeek[HourOfWeek(s.StartedAt)]++;
            _count[s.User]++;
        }
    }

    [Fact]
    public void The_number_of_sessions_is_the_sum_of_activity_over_the_weeks_each_user_is_signed_up()
    {
        // A sum of independent Poisson counts is Poisson: standard deviation √Σλ (≈ 610 here); 5σ band.
        double expected = _lambda.Sum();
        long observed = _run.Sessions.Length;
        Report($"sessions: {observed:N0}, expected {expected:N0} ± {Math.Sqrt(expected):N0}");
        Stats.AssertNear(expected, observed, Stats.Z * Math.Sqrt(expected), "number of sessions");
    }

    [Fact]
    public void Each_users_session_count_is_Poisson_at_activity_times_weeks()
    {
        // Dispersion: for count c ~ Poisson(λ), (c − λ)²/λ has mean 1 and variance 2 + 1/λ. Summed over the N users
        // with λ >= 10 (where the normal approximation holds), the statistic is N ± √Σ(2 + 1/λ); 5σ band. It fails if
        // counts do not follow each user's own activity (over-dispersed) or are scaled wrongly (biased).
        double statistic = 0, variance = 0;
        int n = 0;
        for (int u = 0; u < _lambda.Length; u++)
        {
            double lambda = _lambda[u];
            if (lambda < 10)
            {
                continue;
            }

            statistic += (_count[u] - lambda) * (_count[u] - lambda) / lambda;
            variance += 2 + 1 / lambda;
            n++;
        }

        Report($"dispersion over {n} users: {statistic:F0}, expected {n} ± {Math.Sqrt(variance):F0}");
        Stats.AssertNear(n, statistic, Stats.Z * Math.Sqrt(variance), "Σ (count − λ)² / λ");

        // Mean counts in activity buckets (quartiles of λ) within 5 standard errors (√Σλ) of their expectation.
        var order = Enumerable.Range(0, _lambda.Length).Where(u => _lambda[u] > 0).OrderBy(u => _lambda[u]).ToArray();
        for (int q = 0; q < 4; q++)
        {
            var bucket = order[(q * order.Length / 4)..((q + 1) * order.Length / 4)];
            double expected = bucket.Sum(u => _lambda[u]);
            double observed = bucket.Sum(u => _count[u]);
            Report($"activity quartile {q + 1}: mean count {observed / bucket.Length:F2}, expected {expected / bucket.Length:F2}");
            Stats.AssertNear(expected, observed, Stats.Z * Math.Sqrt(expected), $"sessions of activity quartile {q + 1}");
        }
    }

    [Fact]
    public void Sessions_follow_the_configured_hour_of_week_profile()
    {
        // Pearson's chi-square of the 168 hour-of-week counts against the exact expectation, 167 degrees of freedom.
        double chi = Stats.ChiSquare(_observedByHourOfWeek, _expectedByHourOfWeek);
        double bound = Stats.ChiSquareBound(167);
        Report($"hour-of-week chi-square {chi:F1} (bound {bound:F1})");
        Assert.True(chi < bound, $"hour-of-week chi-square {chi:F1} exceeds {bound:F1}");
    }

    [Fact]
    public void Evening_hours_get_clearly_more_sessions_than_the_small_hours()
    {
        // 19–21 UTC against 03–05 UTC: the profile gives (1.9 + 2.1 + 2.0) / (0.10 + 0.10 + 0.15) ≈ 17×. The ratio of
        // two Poisson counts a/b has a relative standard error √(1/a + 1/b); 5σ band around the exact expectation.
        var (evening, night) = (Hours(_observedByHourOfWeek, 19, 21), Hours(_observedByHourOfWeek, 3, 5));
        double expected = Hours(_expectedByHourOfWeek, 19, 21) / Hours(_expectedByHourOfWeek, 3, 5);
        double ratio = evening / night;
        Report($"sessions 19–21 UTC: {evening:N0}, 03–05 UTC: {night:N0}, ratio {ratio:F2} (expected {expected:F2})");
        Stats.AssertNear(expected, ratio, Stats.Z * ratio * Math.Sqrt(1 / evening + 1 / night), "evening / night sessions");
        Assert.True(ratio > 5, $"evening / night ratio {ratio:F2}: no clear evening peak");
    }

    [Fact]
    public void Weekends_get_more_sessions_per_day_than_weekdays()
    {
        // Saturday and Sunday against Monday–Friday, per calendar day of the period (2023 has 53 Sundays): the
        // profile gives (1.25 + 1.20) / 2 over the weekday mean 0.93, ≈ 1.32×; 5σ band as above.
        long start = _run.Options.Time.StartSeconds, end = _run.Options.Time.EndSeconds;
        var days = new int[7];
        for (long t = start; t < end; t += Scenario.Day)
        {
            days[HourOfWeek(t) / 24]++;
        }

        var (weekend, weekday) = (Days(_observedByHourOfWeek, 5, 6), Days(_observedByHourOfWeek, 0, 4));
        double expected = Days(_expectedByHourOfWeek, 5, 6) / Days(_expectedByHourOfWeek, 0, 4);
        double ratio = weekend / weekday;
        double perDay = ratio * (days[0] + days[1] + days[2] + days[3] + days[4]) / (days[5] + days[6]);
        Report($"weekend sessions {weekend:N0}, weekday {weekday:N0}: ratio {ratio:F4} (expected {expected:F4}), per day {perDay:F3}");
        Stats.AssertNear(expected, ratio, Stats.Z * ratio * Math.Sqrt(1 / weekend + 1 / weekday), "weekend / weekday sessions");
        Assert.True(perDay > 1.2, $"a weekend day gets {perDay:F3}× the sessions of a weekday, not clearly more");
    }

    /// <summary>Hour of the week, Monday 00:00 UTC = 0 (1970-01-01 was a Thursday, hour 72).</summary>
    private static int HourOfWeek(long unixSeconds) => (int)((unixSeconds / 3600 + 72) % 168);

    private static double Hours<T>(T[] byHourOfWeek, int first, int last)
        where T : System.Numerics.INumber<T> =>
        Enumerable.Range(0, 168).Where(h => h % 24 >= first && h % 24 <= last).Sum(h => double.CreateChecked(byHourOfWeek[h]));

    private static double Days<T>(T[] byHourOfWeek, int first, int last)
        where T : System.Numerics.INumber<T> =>
        Enumerable.Range(0, 168).Where(h => h / 24 >= first && h / 24 <= last).Sum(h => double.CreateChecked(byHourOfWeek[h]));

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

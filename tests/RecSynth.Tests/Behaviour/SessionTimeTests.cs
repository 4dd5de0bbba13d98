using CsCheck;
using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// Where a session falls in its week: <see cref="SessionSchedule.Invert"/> finds the second at which the profile's mass
/// since the start of the interval reaches the draw. Checked against the mass summed here hour by hour from the
/// configured profiles (weekday × hour, scaled to mean 1), for the default profiles and for one with empty hours.
/// </summary>
public sealed class SessionTimeTests
{
    private const long Week = 7 * 86_400;
    private const long Start = 1_672_531_200; // 2023-01-01, a Sunday

    public static TheoryData<string> Profiles => ["default", "empty nights"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_session_time_is_where_the_mass_since_the_start_reaches_the_draw(string profile)
    {
        var options = profile == "default"
            ? new SessionOptions()
            : new SessionOptions { Hourly = [0, 0, 0, 0, 0, 0, 0.3, 0.6, 0.8, 0.85, 0.9, 0.95, 1.1, 1.05, 0.95, 0.95, 1, 1.15, 1.5, 1.9, 2.1, 2, 1.6, 0] };
        var schedule = new SessionSchedule(options, Start, Start + 4 * Week, 42);
        double[] weights = Weights(options);

        // Intervals of one second to a week, anywhere in the first three weeks; draws anywhere in their mass. The
        // mass sums differ from the schedule's in the last bits, far below one second's mass (~1/3600 of an hour's).
        Gen.Select(Gen.Long[0, 3 * Week], Gen.Long[1, Week], Gen.Double[0, 1]).Sample((offset, length, u) =>
        {
            long from = Start + offset, to = from + length;
            double mass = Mass(weights, from, to);
            if (mass <= 0)
            {
                return;
            }

            double target = u * mass;
            long at = schedule.Invert(from, to, target);
            Assert.InRange(at, from, to - 1);
            const double Slack = 1e-9;
            Assert.True(Mass(weights, from, at) <= target + Slack, $"[{from}, {to}) draw {target}: {at} is past the mass");
            if (at < to - 1)
            {
                Assert.True(Mass(weights, from, at + 1) >= target - Slack, $"[{from}, {to}) draw {target}: {at} is short of the mass");
            }
        }, iter: 20_000);
    }

    /// <summary>Weight per hour of the week (Monday 00 = 0): weekday × hour, scaled to mean 1.</summary>
    private static double[] Weights(SessionOptions options)
    {
        double[] w = [.. Enumerable.Range(0, 168).Select(h => options.Weekly[h / 24] * options.Hourly[h % 24])];
        double total = w.Sum();
        return [.. w.Select(x => x * 168 / total)];
    }

    /// <summary>The weighted hours between two times, hour by hour.</summary>
    private static double Mass(double[] weights, long from, long to)
    {
        double mass = 0;
        for (long t = from; t < to;)
        {
            long hourEnd = (t / 3600 + 1) * 3600;
            long end = Math.Min(hourEnd, to);
            mass += weights[(int)((t / 3600 + 72) % 168)] * (end - t) / 3600.0; // 1970-01-01 00:00 was a Thursday
            t = end;
        }

        return mass;
    }
}

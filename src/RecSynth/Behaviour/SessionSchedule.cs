using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// When a user opens sessions: an inhomogeneous Poisson process at the user's activity (sessions per week), shaped
/// by the weekday and hour profiles, only after sign-up and within the period. Drawn week by week from the stream
/// (seed, user, week), so any week of any user can be drawn alone, in any order, on any thread.
/// </summary>
internal sealed class SessionSchedule
{
    public const long Week = 7 * 86_400;
    private readonly ulong _seed;
    private readonly long _start;
    private readonly long _end;
    private readonly double[] _weights = new double[168]; // hour of week from Monday 00:00 UTC, mean 1
    private readonly double[] _cumulative = new double[2 * 168 + 2]; // mass from Monday 00:00 over two weeks
    private const int Guides = 1024;
    private readonly int[] _guide; // see the constructor
    private readonly double _guidePerMass;

    public SessionSchedule(SessionOptions options, long start, long end, ulong seed)
    {
        _seed = seed;
        _start = start;
        _end = end;
        double total = 0;
        for (int h = 0; h < 168; h++)
        {
            _weights[h] = options.Weekly[h / 24] * options.Hourly[h % 24];
            total += _weights[h];
        }

        for (int h = 0; h < 168; h++)
        {
            _weights[h] = total > 0 ? _weights[h] * 168 / total : 1;
        }

        for (int h = 0; h < _cumulative.Length - 1; h++)
        {
            _cumulative[h + 1] = _cumulative[h] + _weights[h % 168];
        }

        // _guide[b]: the first hour whose cumulative mass passes b / _guidePerMass (so at or before the first hour
        // that passes any mass in bucket b).
        double mass = _cumulative[^1];
        _guidePerMass = mass > 0 ? Guides / mass : 0;
        _guide = new int[Guides + 1];
        for (int b = 0, h = 0; b <= Guides; b++)
        {
            while (h + 1 < _cumulative.Length && _cumulative[h + 1] <= b / _guidePerMass)
            {
                h++;
            }

            _guide[b] = h;
        }
    }

    public int Weeks => (int)((_end - _start + Week - 1) / Week);

    /// <summary>Adds the start times of <paramref name="user"/>'s sessions in week <paramref name="week"/> (sorted) to <paramref name="times"/>.</summary>
    public void Sessions(in User user, int week, List<long> times)
    {
        long from = Math.Max(_start + week * Week, user.SignedUpAt);
        long to = Math.Min(_start + (week + 1) * Week, _end);
        if (from >= to)
        {
            return;
        }

        // Expected count: activity × the profile's mass over [from, to) in weeks; hours weigh by their profile.
        double mass = Mass(from, to);
        var random = new EntityRandom(_seed, RandomStream.Sessions, ((long)user.Index << 20) | (uint)week);
        int count = random.NextPoisson(user.Activity * mass / 168.0);
        int first = times.Count;
        for (int s = 0; s < count; s++)
        {
            times.Add(Invert(from, to, random.NextDouble() * mass));
        }

        Sort(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(times).Slice(first, count));
    }

    /// <summary>
    /// Sorts a week's start times in place: by insertion for the few of most weeks, which allocates nothing (a native
    /// build's Span.Sort of longs allocates a comparison per call: once per user and week, most of what the weeks
    /// allocated; docs/benchmarks.md, "The seventh step").
    /// </summary>
    internal static void Sort(Span<long> times)
    {
        if (times.Length > 32)
        {
            times.Sort();
            return;
        }

        for (int i = 1; i < times.Length; i++)
        {
            long time = times[i];
            int j = i - 1;
            while (j >= 0 && times[j] > time)
            {
                times[j + 1] = times[j];
                j--;
            }

            times[j + 1] = time;
        }
    }

    /// <summary>Hour of the week (Monday 00 = 0) of a Unix time; 1970-01-01 was a Thursday.</summary>
    private static long HourOfWeek(long unixSeconds) => ((Math.DivRem(unixSeconds, 3600L, out _) + 72) % 168 + 168) % 168;

    /// <summary>The profile's mass (weighted hours) between two times at most a week apart.</summary>
    private double Mass(long from, long to) => Cumulative(to - from + Offset(from)) - Cumulative(Offset(from));

    /// <summary>The time at which the profile's mass since <paramref name="from"/> reaches <paramref name="target"/>.</summary>
    internal long Invert(long from, long to, double target)
    {
        // The first hour whose cumulative mass passes the goal (within the hours from `from` to `to`: the same hour as a
        // binary search among them), then interpolate within it. The guide table gives an hour at or before it, from
        // which a step or two find it.
        long origin = Offset(from);
        double goal = Cumulative(origin) + target;
        int first = (int)(origin / 3600), last = (int)((to - from + origin + 3599) / 3600);
        int low = _guide[Math.Clamp((int)(goal * _guidePerMass) - 1, 0, _guide.Length - 1)]; // a bucket early: rounding
        while (low + 1 < _cumulative.Length && _cumulative[low + 1] <= goal)
        {
            low++;
        }

        low = Math.Clamp(low, first, last);
        double weight = _weights[low % 168];
        long at = low * 3600L + (weight > 0 ? (long)((goal - _cumulative[low]) / weight * 3600.0) : 0);
        return Math.Clamp(from + at - origin, from, to - 1);
    }

    /// <summary>Seconds from the Monday 00:00 that starts the calendar week of <paramref name="time"/>.</summary>
    private static long Offset(long time) => HourOfWeek(time) * 3600 + ((time % 3600) + 3600) % 3600;

    /// <summary>Mass from that Monday 00:00 to <paramref name="seconds"/> later (up to two weeks).</summary>
    private double Cumulative(long seconds)
    {
        long hour = seconds / 3600;
        return _cumulative[hour] + _weights[hour % 168] * (seconds - hour * 3600) / 3600.0;
    }
}

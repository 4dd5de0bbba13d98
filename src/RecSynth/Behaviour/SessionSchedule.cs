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

        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(times).Slice(first, count).Sort(); // in place, no comparer to allocate
    }

    /// <summary>Hour of the week (Monday 00 = 0) of a Unix time; 1970-01-01 was a Thursday.</summary>
    private static long HourOfWeek(long unixSeconds) => ((Math.DivRem(unixSeconds, 3600L, out _) + 72) % 168 + 168) % 168;

    /// <summary>The profile's mass (weighted hours) between two times at most a week apart.</summary>
    private double Mass(long from, long to) => Cumulative(to - from + Offset(from)) - Cumulative(Offset(from));

    /// <summary>The time at which the profile's mass since <paramref name="from"/> reaches <paramref name="target"/>.</summary>
    private long Invert(long from, long to, double target)
    {
        // Binary search for the hour whose cumulative mass passes the target, then interpolate within it.
        long origin = Offset(from);
        double goal = Cumulative(origin) + target;
        int low = (int)(origin / 3600), high = (int)((to - from + origin + 3599) / 3600);
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_cumulative[middle + 1] <= goal)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

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

using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Internals;

namespace RecSynth.Fitting;

/// <summary>
/// Measures a <see cref="LogProfile"/> in one pass over a log's events, in memory that grows with the number of users
/// and products, not of events: per-user and per-product counters, histograms, and the (user, product) pairs of a
/// sample of users for the repeat share (all users while their pairs number at most
/// <see cref="RepeatPairBudget"/>; above that, half of them by a hash of the user, then a quarter, …).
/// A user's events are expected in time order (as logs are written); one that comes earlier than an event of its user
/// read before is counted in <see cref="LogProfile.OutOfOrder"/> and taken into the user's current session.
/// </summary>
public sealed class LogProfiler
{
    /// <summary>Default inactivity that splits a user's events into sessions when the log has no session ids: 30 minutes.</summary>
    public const long DefaultSessionGapSeconds = 30 * 60;

    /// <summary>(user, product) pairs kept for the repeat share before the sample of users is halved.</summary>
    public const int RepeatPairBudget = 1_000_000;

    private const int GapBuckets = 180; // log10 seconds 0..9

    private readonly long _gap;
    private UserCounters[] _users = new UserCounters[1024];
    private int[] _itemEvents = new int[1024];
    private long[] _itemFirst = new long[1024];
    private int _userCount;
    private int _itemCount;
    private long _events, _views, _likes, _purchases, _sessions, _outOfOrder;
    private long _first = long.MaxValue, _last = long.MinValue, _lastOpen = long.MinValue;
    private readonly long[] _eventsPerSession = new long[LogProfile.HistogramCap + 1];
    private readonly long[] _gaps = new long[GapBuckets];
    private readonly long[] _hours = new long[24];
    private readonly long[] _days = new long[7];
    private readonly Dictionary<long, int> _pairs = [];
    private ulong _sampleBelow = ulong.MaxValue;
    private bool _sessionIds;

    private readonly bool _keyed;
    private readonly bool _grouped;
    private readonly Dictionary<int, int> _groupItems = [];
    private int _groupUser = -1;

    /// <summary>
    /// A profiler that splits sessions at <paramref name="sessionGapSeconds"/> of inactivity when events carry no
    /// session id; <paramref name="keyed"/>: the log holds one row per (type, user, product) (<see cref="LogProfile.Keyed"/>);
    /// <paramref name="groupedByUser"/>: every user's events come together (after a sort by user), so the repeat share
    /// is measured exactly on every user, in memory of one user's products, instead of on a sample.
    /// </summary>
    public LogProfiler(long sessionGapSeconds = DefaultSessionGapSeconds, bool keyed = false, bool groupedByUser = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sessionGapSeconds);
        _gap = sessionGapSeconds;
        _keyed = keyed;
        _grouped = groupedByUser;
    }

    /// <summary>
    /// Adds one event. <paramref name="user"/> and <paramref name="item"/> are dense indices (0, 1, 2, … in any order
    /// of first appearance); <paramref name="timestamp"/> is Unix seconds; <paramref name="session"/> the log's session
    /// id, or −1 when it has none (then sessions are split by inactivity).
    /// </summary>
    public void Add(int user, int item, FeedbackType type, long timestamp, long session = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        if (user >= _users.Length)
        {
            Array.Resize(ref _users, Math.Max(user + 1, _users.Length * 2));
        }

        if (item >= _itemEvents.Length)
        {
            int size = Math.Max(item + 1, _itemEvents.Length * 2);
            Array.Resize(ref _itemEvents, size);
            Array.Resize(ref _itemFirst, size);
        }

        _events++;
        switch (type)
        {
            case FeedbackType.View: _views++; break;
            case FeedbackType.Like: _likes++; break;
            case FeedbackType.Purchase: _purchases++; break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a feedback type");
        }

        _first = Math.Min(_first, timestamp);
        _last = Math.Max(_last, timestamp);
        _sessionIds |= session >= 0;

        if (item >= _itemCount)
        {
            _itemCount = item + 1;
        }

        ref int itemEvents = ref _itemEvents[item];
        _itemFirst[item] = itemEvents == 0 ? timestamp : Math.Min(_itemFirst[item], timestamp);
        itemEvents++;

        ref var u = ref _users[user];
        if (user >= _userCount)
        {
            _userCount = user + 1;
        }

        if (u.Events == 0)
        {
            u.First = timestamp;
            Open(ref u, timestamp, session);
        }
        else
        {
            bool late = timestamp < u.Last;
            _outOfOrder += late ? 1 : 0;
            bool fresh = session >= 0 ? session != u.Session : timestamp - u.Last > _gap;
            if (fresh)
            {
                Close(ref u);
                _gaps[GapBucket(timestamp - u.Last)]++;
                Open(ref u, timestamp, session);
            }

            u.First = Math.Min(u.First, timestamp);
        }

        u.Last = Math.Max(u.Last, timestamp);
        u.Events++;
        u.SessionEvents++;
        if (_grouped)
        {
            // One user's events at a time: their products alone, exactly, in a small table.
            if (user != _groupUser)
            {
                _groupItems.Clear();
                _groupUser = user;
            }

            ref int first = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_groupItems, item, out bool seen);
            if (!seen)
            {
                first = u.Sessions;
            }

            u.Repeats += seen && first != u.Sessions ? 1 : 0;
        }
        else if (Sampled(user))
        {
            long pair = ((long)user << 32) | (uint)item;
            if (_pairs.TryGetValue(pair, out int firstSession))
            {
                u.Repeats += firstSession != u.Sessions ? 1 : 0;
            }
            else
            {
                _pairs[pair] = u.Sessions;
                if (_pairs.Count > RepeatPairBudget)
                {
                    HalveSample();
                }
            }
        }
    }

    /// <summary>The profile of every event added.</summary>
    public LogProfile Finish()
    {
        int firstDay = _events == 0 ? 0 : (int)Math.Floor(_first / 86_400.0);
        int days = _events == 0 ? 0 : (int)Math.Floor(_last / 86_400.0) - firstDay + 1;
        var sessionsPerUser = new long[LogProfile.HistogramCap + 1];
        var eventsPerSession = (long[])_eventsPerSession.Clone();
        var userArrivals = new long[days];
        long users = 0, repeats = 0, sampledEvents = 0;
        for (int i = 0; i < _userCount; i++)
        {
            ref var u = ref _users[i];
            if (u.Events == 0)
            {
                continue;
            }

            users++;
            eventsPerSession[Math.Min(u.SessionEvents, LogProfile.HistogramCap)]++;
            sessionsPerUser[Math.Min(u.Sessions, LogProfile.HistogramCap)]++;
            userArrivals[(int)Math.Floor(u.First / 86_400.0) - firstDay]++;
            if (Sampled(i))
            {
                repeats += u.Repeats;
                sampledEvents += u.Events;
            }
        }

        var itemArrivals = new long[days];
        var counts = new List<int>(_itemCount);
        for (int i = 0; i < _itemCount; i++)
        {
            if (_itemEvents[i] > 0)
            {
                counts.Add(_itemEvents[i]);
                itemArrivals[(int)Math.Floor(_itemFirst[i] / 86_400.0) - firstDay]++;
            }
        }

        var popularity = Popularity(counts);
        return new LogProfile
        {
            Events = _events,
            Users = users,
            Items = counts.Count,
            Sessions = _sessions,
            SessionGapSeconds = _sessionIds ? 0 : _gap,
            Keyed = _keyed,
            FirstEvent = _events == 0 ? 0 : _first,
            LastEvent = _events == 0 ? 0 : _last,
            LastSessionStart = _events == 0 ? 0 : _lastOpen,
            Views = _views,
            Likes = _likes,
            Purchases = _purchases,
            SessionsPerUser = [.. sessionsPerUser],
            EventsPerSession = [.. eventsPerSession],
            GapHistogram = [.. _gaps],
            HourOfDay = [.. _hours],
            DayOfWeek = [.. _days],
            UserArrivals = [.. userArrivals],
            ItemArrivals = [.. itemArrivals],
            Top1Share = popularity.Top1,
            Top10Share = popularity.Top10,
            Top20Share = popularity.Top20,
            Gini = popularity.Gini,
            PopularityCurve = popularity.Curve,
            RepeatShare = sampledEvents == 0 ? 0 : repeats / (double)sampledEvents,
            RepeatSampleEvents = sampledEvents,
            OutOfOrder = _outOfOrder,
        };
    }

    private void Open(ref UserCounters u, long timestamp, long session)
    {
        u.Sessions++;
        u.SessionEvents = 0;
        u.Session = session;
        _sessions++;
        _lastOpen = Math.Max(_lastOpen, timestamp);
        long day = (long)Math.Floor(timestamp / 86_400.0);
        _hours[(int)((timestamp - day * 86_400) / 3_600)]++;
        _days[(int)(((day % 7) + 7 + 3) % 7)]++; // 1970-01-01 was a Thursday: Monday is 0
    }

    private void Close(ref UserCounters u) => _eventsPerSession[Math.Min(u.SessionEvents, LogProfile.HistogramCap)]++;

    private static int GapBucket(long seconds) =>
        Math.Clamp((int)(Math.Log10(Math.Max(1, seconds)) / LogProfile.GapBucketWidth), 0, GapBuckets - 1);

    private bool Sampled(int user) => _grouped || EntityRandom.Mix((ulong)user) < _sampleBelow;

    private void HalveSample()
    {
        while (_pairs.Count > RepeatPairBudget / 2)
        {
            _sampleBelow >>= 1;
            foreach (long pair in _pairs.Keys)
            {
                if (!Sampled((int)(pair >> 32)))
                {
                    _pairs.Remove(pair);
                }
            }
        }
    }

    private static (double Top1, double Top10, double Top20, double Gini, ImmutableArray<double> Curve) Popularity(List<int> counts)
    {
        if (counts.Count == 0)
        {
            return (0, 0, 0, 0, [.. new double[101]]);
        }

        counts.Sort();
        double total = 0;
        double weighted = 0; // Σ (i + 1) · x_i over counts in ascending order
        for (int i = 0; i < counts.Count; i++)
        {
            total += counts[i];
            weighted += (i + 1.0) * counts[i];
        }

        int n = counts.Count;
        double gini = (2 * weighted / (n * total)) - ((n + 1.0) / n);
        var curve = new double[101];
        double running = 0;
        int taken = 0;
        for (int p = 1; p <= 100; p++)
        {
            int upTo = (int)Math.Ceiling(n * p / 100.0);
            for (; taken < upTo; taken++)
            {
                running += counts[n - 1 - taken];
            }

            curve[p] = running / total;
        }

        return (curve[1], curve[10], curve[20], gini, [.. curve]);
    }

    private struct UserCounters
    {
        public long First;
        public long Last;
        public long Session;
        public int Sessions;
        public int SessionEvents;
        public int Events;
        public int Repeats;
    }
}

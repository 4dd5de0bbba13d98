using System.IO.Hashing;
using System.Runtime.InteropServices;
using RecSynth.Behaviour;
using RecSynth.Files.Internals;
using RecSynth.Fitting;

namespace RecSynth.Files;

/// <summary>
/// Builds a log's <see cref="LogReading"/> from events given one by one with their ids and type names as text (from a
/// file, a Gorse, a database): the types mapped by an <see cref="EventLogMapping"/>, the ids turned into dense indices,
/// and the events put in order by user and time unless they are known to be so already (docs/fitting.md).
/// </summary>
public sealed class LogBuilder : IDisposable
{
    private readonly LogProfiler _profiler;
    private readonly UserOrder? _order;

    // Ids by their 64-bit hash, not their text: one probe per lookup and no strings kept. Two ids of a million share a
    // hash with a probability of about 3·10⁻⁸ (n² / 2⁶⁵), and would then count as one.
    private readonly Dictionary<ulong, int> _users = [];
    private readonly Dictionary<ulong, int> _items = [];
    private readonly (string Name, FeedbackType Type)[] _types;
    private readonly SortedDictionary<string, long> _skipped = new(StringComparer.Ordinal);
    private long _rows; // skipped rows
    private long _added; // mapped rows

    /// <summary>
    /// A builder that reads type names by <paramref name="mapping"/>, splits sessions after
    /// <paramref name="sessionGapSeconds"/> of a user's inactivity where events carry no session, and sorts the events
    /// by user and time unless they come <paramref name="ordered"/> (each user's in time order).
    /// </summary>
    public LogBuilder(EventLogMapping mapping, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, bool ordered = false)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        _profiler = new LogProfiler(sessionGapSeconds, groupedByUser: !ordered);
        _order = ordered ? null : new UserOrder();
        _types = [.. mapping.Views.Select(n => (n, FeedbackType.View)), .. mapping.Likes.Select(n => (n, FeedbackType.Like)), .. mapping.Purchases.Select(n => (n, FeedbackType.Purchase))];
    }

    /// <summary>Rows given so far, of any type.</summary>
    public long Rows => _rows + _added;

    /// <summary>
    /// Adds a row: <paramref name="count"/> events of <paramref name="type"/> at <paramref name="time"/> (Unix seconds),
    /// or none when the mapping does not name the type (counted as skipped). Ids must not be empty.
    /// </summary>
    /// <returns>Whether the type was mapped.</returns>
    public bool Add(ReadOnlySpan<char> user, ReadOnlySpan<char> item, ReadOnlySpan<char> type, long time, long session = -1, int count = 1)
    {
        if (Kind(type) is not { } kind)
        {
            Skip(type);
            return false;
        }

        Add(Hash(user), Hash(item), kind, time, session, count);
        return true;
    }

    /// <summary>
    /// Adds a row that stands for events of <paramref name="type"/> at each of <paramref name="times"/> (Unix seconds), or
    /// none when the mapping does not name the type (counted as skipped). Ids must not be empty.
    /// </summary>
    /// <returns>Whether the type was mapped.</returns>
    public bool Add(ReadOnlySpan<char> user, ReadOnlySpan<char> item, ReadOnlySpan<char> type, ReadOnlySpan<long> times)
    {
        if (Kind(type) is not { } kind)
        {
            Skip(type);
            return false;
        }

        _added++;
        int u = Index(_users, Hash(user)), i = Index(_items, Hash(item));
        foreach (long time in times)
        {
            Event(u, i, kind, time, -1);
        }

        return true;
    }

    /// <summary>The kind a type name is mapped to; null when the mapping does not name it. Reads only the mapping: any thread.</summary>
    internal FeedbackType? Kind(ReadOnlySpan<char> type)
    {
        for (int kind = _types.Length - 1; kind >= 0; kind--)
        {
            if (type.SequenceEqual(_types[kind].Name))
            {
                return _types[kind].Type;
            }
        }

        return null;
    }

    /// <summary>
    /// Counts a row left out: of an unmapped type, or for another reason given in its place. Touches only the row
    /// counts: one thread, beside the events being added on another.
    /// </summary>
    public void Skip(ReadOnlySpan<char> type)
    {
        _rows++;
        string name = type.ToString();
        if (_skipped.Count < 20 || _skipped.ContainsKey(name))
        {
            _skipped[name] = _skipped.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>An id's key (its 64-bit hash). Pure: any thread.</summary>
    internal static ulong Hash(ReadOnlySpan<char> id) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id));

    /// <summary>Adds a mapped row by its ids' keys.</summary>
    internal void Add(ulong user, ulong item, FeedbackType kind, long time, long session, int count)
    {
        _added++;
        int u = Index(_users, user), i = Index(_items, item);
        for (int c = 0; c < count; c++)
        {
            Event(u, i, kind, time, session);
        }
    }

    private void Event(int user, int item, FeedbackType kind, long time, long session)
    {
        if (_order is null)
        {
            _profiler.Add(user, item, kind, time, session);
        }
        else
        {
            _order.Add(user, item, kind, time, session);
        }
    }

    /// <summary>The profile of every event added, and what was skipped.</summary>
    public LogReading Finish(CancellationToken cancellationToken = default)
    {
        _order?.Drain(_profiler, cancellationToken);
        return new LogReading(_profiler.Finish(), Rows, _skipped);
    }

    /// <inheritdoc/>
    public void Dispose() => _order?.Dispose();

    private static int Index(Dictionary<ulong, int> ids, ulong key)
    {
        ref int index = ref CollectionsMarshal.GetValueRefOrAddDefault(ids, key, out bool exists);
        if (!exists)
        {
            index = ids.Count - 1;
        }

        return index;
    }
}

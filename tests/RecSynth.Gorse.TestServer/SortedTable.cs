namespace RecSynth.Gorse.TestServer;

/// <summary>
/// A hash table whose keys are sorted only when read in order (cursor paging), and then kept until the next change:
/// writes stay O(1) while a push runs, and paging after it binary-searches the cursor. Not thread-safe: the store locks.
/// </summary>
internal sealed class SortedTable<TKey, TValue>(IComparer<TKey> order, IEqualityComparer<TKey>? equality = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _rows = new(equality);
    private TKey[]? _sorted;

    public int Count => _rows.Count;

    public TValue this[TKey key]
    {
        get => _rows[key];
        set
        {
            if (!_rows.ContainsKey(key))
            {
                _sorted = null;
            }

            _rows[key] = value;
        }
    }

    public bool TryGetValue(TKey key, out TValue value) => _rows.TryGetValue(key, out value!);

    public bool TryAdd(TKey key, TValue value)
    {
        if (!_rows.TryAdd(key, value))
        {
            return false;
        }

        _sorted = null;
        return true;
    }

    public bool Remove(TKey key)
    {
        if (!_rows.Remove(key))
        {
            return false;
        }

        _sorted = null;
        return true;
    }

    public IReadOnlyList<TKey> Keys => Sorted();

    public IEnumerable<TValue> Values => Sorted().Select(k => _rows[k]);

    /// <summary>Up to n rows from the first key at or after <paramref name="from"/> that pass <paramref name="filter"/>, and the key of the next one.</summary>
    public (List<TValue> Rows, TKey? Next, bool HasNext) Page(TKey? from, int n, Func<TKey, bool>? filter = null)
    {
        var keys = Sorted();
        int start = 0;
        if (from is not null)
        {
            start = Array.BinarySearch(keys, from, order);
            start = start < 0 ? ~start : start;
        }

        var rows = new List<TValue>(Math.Min(n, keys.Length));
        for (int i = start; i < keys.Length; i++)
        {
            if (filter is not null && !filter(keys[i]))
            {
                continue;
            }

            if (rows.Count == n)
            {
                return (rows, keys[i], true);
            }

            rows.Add(_rows[keys[i]]);
        }

        return (rows, default, false);
    }

    public SortedDictionary<TKey, TValue> Copy()
    {
        var copy = new SortedDictionary<TKey, TValue>(order);
        foreach (var (key, value) in _rows)
        {
            copy[key] = value;
        }

        return copy;
    }

    private TKey[] Sorted()
    {
        if (_sorted is null)
        {
            _sorted = [.. _rows.Keys];
            Array.Sort(_sorted, order);
        }

        return _sorted;
    }
}

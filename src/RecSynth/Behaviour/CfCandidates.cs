namespace RecSynth.Behaviour;

/// <summary>
/// A warm user's CF candidates (best first) with what each session needs about them, kept by slot so that a session
/// reads them in one pass instead of looking each product up: the interest, cached as it is first needed, and which
/// slots the session must skip (listed too recently for CF, or bought). Every warm user keeps one for the rest of the
/// run, so it is packed: the products as 16-bit places in the CF source's pools (when the pools hold at most 65,536
/// entries), the interest and scores in one array, the two bit sets in another (docs/benchmarks.md, "Where the memory
/// goes").
/// </summary>
internal sealed class CfCandidates
{
    private readonly int[] _pool; // what a code stands for: the CF source's pools, one after the other
    private readonly ushort[]? _codes; // the products as places in _pool, when they fit 16 bits
    private readonly int[]? _items; // otherwise the products themselves
    private readonly float[] _values; // [interest of each slot (NaN: not yet) | score of each slot]
    private readonly ulong[] _bits; // [slots whose product was listed less than cold_start_days before the last check | slots bought]
    private long _nextListedAt = long.MinValue; // the earliest listing among the waiting slots: before it, nothing changes

    /// <summary>
    /// The candidates <paramref name="items"/> with their <paramref name="scores"/>; <paramref name="codeOf"/> gives each
    /// product's place in <paramref name="pool"/> (null: the pool is too large for 16-bit places, the products are kept).
    /// </summary>
    public CfCandidates(int[] items, float[] scores, ReadOnlySpan<int> bought, int[] pool, int[]? codeOf)
    {
        int count = items.Length;
        _pool = pool;
        if (codeOf is null)
        {
            _items = items;
        }
        else
        {
            _codes = new ushort[count];
            for (int slot = 0; slot < count; slot++)
            {
                _codes[slot] = (ushort)codeOf[items[slot]];
            }
        }

        _values = new float[2 * count];
        _values.AsSpan(0, count).Fill(float.NaN);
        scores.CopyTo(_values.AsSpan(count));
        Words = (count + 63) / 64;
        _bits = new ulong[2 * Words];
        for (int slot = 0; slot < count; slot++)
        {
            _bits[slot >> 6] |= 1UL << slot;
        }

        foreach (int item in bought)
        {
            MarkBought(item);
        }
    }

    public int Count => _values.Length / 2;

    private int Words { get; }

    /// <summary>The product in <paramref name="slot"/>.</summary>
    public int Item(int slot) => _codes is { } codes ? _pool[codes[slot]] : _items![slot];

    /// <summary>Writes the products, best first, into <paramref name="destination"/> and returns them.</summary>
    public ReadOnlySpan<int> Items(Span<int> destination)
    {
        var items = destination[..Count];
        if (_codes is { } codes)
        {
            for (int slot = 0; slot < items.Length; slot++)
            {
                items[slot] = _pool[codes[slot]];
            }
        }
        else
        {
            _items.AsSpan().CopyTo(items);
        }

        return items;
    }

    public ReadOnlySpan<float> Scores => _values.AsSpan(Count);

    /// <summary>The user's interest in each candidate, by slot, filled as they are first shown (NaN: not yet); entries from <see cref="Count"/> on are not its.</summary>
    public float[] Interest => _values;

    /// <summary>
    /// Writes the slots a session must skip into <paramref name="skip"/>: products listed after <paramref name="listedBy"/>,
    /// and products bought. A user's sessions come in time order, so a product that was listed early enough stays so.
    /// </summary>
    public void Skipped(long listedBy, long[] listedAt, Span<ulong> skip)
    {
        int words = Words;
        if (listedBy >= _nextListedAt)
        {
            long next = long.MaxValue;
            for (int w = 0; w < words; w++)
            {
                for (ulong bits = _bits[w]; bits != 0; bits &= bits - 1)
                {
                    int slot = (w << 6) | System.Numerics.BitOperations.TrailingZeroCount(bits);
                    long at = listedAt[Item(slot)];
                    if (at <= listedBy)
                    {
                        _bits[w] &= ~(1UL << slot);
                    }
                    else
                    {
                        next = Math.Min(next, at);
                    }
                }
            }

            _nextListedAt = next;
        }

        for (int w = 0; w < words; w++)
        {
            skip[w] = _bits[w] | _bits[words + w];
        }
    }

    public void MarkBought(int item)
    {
        for (int slot = 0; slot < Count; slot++)
        {
            if (Item(slot) == item)
            {
                _bits[Words + (slot >> 6)] |= 1UL << slot;
                return;
            }
        }
    }
}

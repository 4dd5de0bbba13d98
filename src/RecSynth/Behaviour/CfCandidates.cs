namespace RecSynth.Behaviour;

/// <summary>
/// A warm user's CF candidates (best first) with what each session needs about them, kept by slot so that a session
/// reads them in one pass instead of looking each product up: the interest, cached as it is first needed, and which
/// slots the session must skip (listed too recently for CF, or bought). Every warm user keeps one for the rest of the
/// run, so it is packed: the products as 16-bit places in the CF source's pools (when the pools hold at most 65,536
/// entries), the interest and scores in one array, the two bit sets in another (docs/benchmarks.md, "Where the memory
/// goes"). The arrays are stretches of a worker's <see cref="Store"/>: a million users' candidates would otherwise be
/// three million small arrays, each copied twice by the collector on its way to the oldest generation
/// (docs/benchmarks.md, "The seventh step").
/// </summary>
internal sealed class CfCandidates
{
    private readonly int[] _pool; // what a code stands for: the CF source's pools, one after the other
    private readonly ushort[]? _codes; // the products as places in _pool, when they fit 16 bits, from _itemsAt on
    private readonly int[]? _items; // otherwise the products themselves, from _itemsAt on
    private readonly int _itemsAt;
    private readonly float[] _values; // from _valuesAt: [interest of each slot (NaN: not yet) | score of each slot]
    private readonly int _valuesAt;
    private readonly ulong[] _bits; // from _bitsAt: [slots whose product was listed less than cold_start_days before the last check | slots bought]
    private readonly int _bitsAt;
    private readonly int _words;
    private long _nextListedAt = long.MinValue; // the earliest listing among the waiting slots: before it, nothing changes

    /// <summary>
    /// The candidates <paramref name="items"/> with their <paramref name="scores"/>; <paramref name="codeOf"/> gives each
    /// product's place in <paramref name="pool"/> (null: the pool is too large for 16-bit places, the products are kept).
    /// The arrays come from <paramref name="store"/> (null: a store of their own).
    /// </summary>
    public CfCandidates(ReadOnlySpan<int> items, ReadOnlySpan<float> scores, ReadOnlySpan<int> bought, int[] pool, int[]? codeOf, Store? store = null)
    {
        store ??= new Store(items.Length, usersPerBlock: 1);
        int count = items.Length;
        Count = count;
        _pool = pool;
        if (codeOf is null)
        {
            (_items, _itemsAt) = store.Items.Take(count);
            items.CopyTo(_items.AsSpan(_itemsAt, count));
        }
        else
        {
            (_codes, _itemsAt) = store.Codes.Take(count);
            var codes = _codes.AsSpan(_itemsAt, count);
            for (int slot = 0; slot < count; slot++)
            {
                codes[slot] = (ushort)codeOf[items[slot]];
            }
        }

        (_values, _valuesAt) = store.Values.Take(2 * count);
        _values.AsSpan(_valuesAt, count).Fill(float.NaN);
        scores.CopyTo(_values.AsSpan(_valuesAt + count, count));
        _words = (count + 63) / 64;
        (_bits, _bitsAt) = store.Bits.Take(2 * _words);
        var bits = _bits.AsSpan(_bitsAt, 2 * _words);
        bits.Clear();
        for (int slot = 0; slot < count; slot++)
        {
            bits[slot >> 6] |= 1UL << slot;
        }

        foreach (int item in bought)
        {
            MarkBought(item);
        }
    }

    public int Count { get; }

    /// <summary>The product in <paramref name="slot"/>.</summary>
    public int Item(int slot) => _codes is { } codes ? _pool[codes[_itemsAt + slot]] : _items![_itemsAt + slot];

    /// <summary>Writes the products, best first, into <paramref name="destination"/> and returns them.</summary>
    public ReadOnlySpan<int> Items(Span<int> destination)
    {
        var items = destination[..Count];
        if (_codes is { } codes)
        {
            var mine = codes.AsSpan(_itemsAt, Count);
            for (int slot = 0; slot < items.Length; slot++)
            {
                items[slot] = _pool[mine[slot]];
            }
        }
        else
        {
            _items.AsSpan(_itemsAt, Count).CopyTo(items);
        }

        return items;
    }

    public ReadOnlySpan<float> Scores => _values.AsSpan(_valuesAt + Count, Count);

    /// <summary>
    /// The user's interest in each candidate, filled as they are first shown (NaN: not yet): slot s is at
    /// <see cref="InterestArray"/>[<see cref="InterestAt"/> + s].
    /// </summary>
    public float[] InterestArray => _values;

    /// <summary>Where slot 0's interest is in <see cref="InterestArray"/>.</summary>
    public int InterestAt => _valuesAt;

    /// <summary>
    /// Writes the slots a session must skip into <paramref name="skip"/>: products listed after <paramref name="listedBy"/>,
    /// and products bought. A user's sessions come in time order, so a product that was listed early enough stays so.
    /// </summary>
    public void Skipped(long listedBy, long[] listedAt, Span<ulong> skip)
    {
        int words = _words;
        var bits = _bits.AsSpan(_bitsAt, 2 * words);
        if (listedBy >= _nextListedAt)
        {
            long next = long.MaxValue;
            for (int w = 0; w < words; w++)
            {
                for (ulong waiting = bits[w]; waiting != 0; waiting &= waiting - 1)
                {
                    int slot = (w << 6) | System.Numerics.BitOperations.TrailingZeroCount(waiting);
                    long at = listedAt[Item(slot)];
                    if (at <= listedBy)
                    {
                        bits[w] &= ~(1UL << slot);
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
            skip[w] = bits[w] | bits[words + w];
        }
    }

    public void MarkBought(int item)
    {
        for (int slot = 0; slot < Count; slot++)
        {
            if (Item(slot) == item)
            {
                _bits[_bitsAt + _words + (slot >> 6)] |= 1UL << slot;
                return;
            }
        }
    }

    /// <summary>
    /// Large blocks that kept candidates are cut from, one store per worker (a worker cuts from its own without a lock;
    /// what a user's candidates hold does not depend on where they are): a million users' candidates in a few dozen
    /// arrays instead of three million.
    /// </summary>
    /// <remarks>
    /// A block holds <paramref name="usersPerBlock"/> users' candidates (of at most <paramref name="candidates"/>
    /// each). The blocks are large objects, and the collector counts those by bytes: a collection each time their
    /// budget runs out, whatever their size. So they are few and large (<see cref="UsersPerBlock"/>), allocated without
    /// clearing: what no user has taken yet is not touched, and takes no memory.
    /// </remarks>
    internal sealed class Store(int candidates, int usersPerBlock)
    {
        public Blocks<ushort> Codes { get; } = new(usersPerBlock * candidates);

        public Blocks<int> Items { get; } = new(usersPerBlock * candidates);

        public Blocks<float> Values { get; } = new(usersPerBlock * 2 * candidates);

        public Blocks<ulong> Bits { get; } = new(usersPerBlock * 2 * ((candidates + 63) / 64));

        /// <summary>
        /// Users per block for a run of <paramref name="users"/> with <paramref name="candidates"/> each: a sixteenth
        /// of them, at most 65,536, and few enough that a block of interest and scores stays within 64 MiB.
        /// </summary>
        public static int UsersPerBlock(int users, int candidates) =>
            Math.Clamp(Math.Min(users / 16, (64 << 20) / (2 * sizeof(float) * Math.Max(1, candidates))), 1, 1 << 16);
    }

    /// <summary>Cuts stretches from a block, and starts a new block when one does not fit.</summary>
    internal sealed class Blocks<T>(int blockLength)
    {
        private T[] _block = [];
        private int _used;

        public (T[] Block, int At) Take(int length)
        {
            if (_used + length > _block.Length)
            {
                _block = GC.AllocateUninitializedArray<T>(Math.Max(blockLength, length));
                _used = 0;
            }

            int at = _used;
            _used += length;
            return (_block, at);
        }
    }
}

namespace RecSynth.Behaviour;

/// <summary>
/// A warm user's CF candidates (best first) with what each session needs about them, kept by slot so that a session
/// reads them in one pass instead of looking each product up: the interest, cached as it is first needed, and which
/// slots the session must skip (listed too recently for CF, or bought).
/// </summary>
internal sealed class CfCandidates
{
    private readonly ulong[] _waiting; // slots whose product was listed less than cold_start_days before the last check
    private readonly ulong[] _bought;
    private long _nextListedAt = long.MinValue; // the earliest listing among the waiting slots: before it, nothing changes

    public CfCandidates(int[] items, float[] scores, ReadOnlySpan<int> bought)
    {
        Items = items;
        Scores = scores;
        Interest = new float[items.Length];
        Interest.AsSpan().Fill(float.NaN);
        int words = (items.Length + 63) / 64;
        _waiting = new ulong[words];
        _bought = new ulong[words];
        for (int slot = 0; slot < items.Length; slot++)
        {
            _waiting[slot >> 6] |= 1UL << slot;
        }

        foreach (int item in bought)
        {
            MarkBought(item);
        }
    }

    public int[] Items { get; }

    public float[] Scores { get; }

    /// <summary>The user's interest in each candidate, filled as they are first shown (NaN: not yet).</summary>
    public float[] Interest { get; }

    /// <summary>
    /// Writes the slots a session must skip into <paramref name="skip"/>: products listed after <paramref name="listedBy"/>,
    /// and products bought. A user's sessions come in time order, so a product that was listed early enough stays so.
    /// </summary>
    public void Skipped(long listedBy, long[] listedAt, Span<ulong> skip)
    {
        if (listedBy >= _nextListedAt)
        {
            long next = long.MaxValue;
            for (int w = 0; w < _waiting.Length; w++)
            {
                for (ulong bits = _waiting[w]; bits != 0; bits &= bits - 1)
                {
                    int slot = (w << 6) | System.Numerics.BitOperations.TrailingZeroCount(bits);
                    long at = listedAt[Items[slot]];
                    if (at <= listedBy)
                    {
                        _waiting[w] &= ~(1UL << slot);
                    }
                    else
                    {
                        next = Math.Min(next, at);
                    }
                }
            }

            _nextListedAt = next;
        }

        for (int w = 0; w < _waiting.Length; w++)
        {
            skip[w] = _waiting[w] | _bought[w];
        }
    }

    public void MarkBought(int item)
    {
        int slot = Array.IndexOf(Items, item);
        if (slot >= 0)
        {
            _bought[slot >> 6] |= 1UL << slot;
        }
    }
}

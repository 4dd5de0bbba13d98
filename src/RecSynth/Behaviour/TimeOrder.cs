namespace RecSynth.Behaviour;

/// <summary>An order of records that is by time first (Unix seconds), then by the rest of <see cref="IComparer{T}.Compare"/>.</summary>
internal interface ITimeOrder<T> : IComparer<T>
{
    long Time(in T record);
}

/// <summary>
/// Sorts a week of records in the same order as a comparison sort with the full order (a strict one, so the result is
/// the same), faster: a stable radix sort of the times (a week spans about 2^20 seconds: two passes of 11 bits), then
/// an insertion pass that puts records of the same second in order (there are few).
/// </summary>
internal static class TimeOrder
{
    private const int Bits = 11;
    private const int Buckets = 1 << Bits;
    private const int MaxPasses = 3;

    public static void Sort<T, TOrder>(Span<T> records, ref T[] scratch, TOrder order)
        where TOrder : struct, ITimeOrder<T>
    {
        if (records.Length < 256)
        {
            records.Sort(order);
            return;
        }

        long first = long.MaxValue, last = long.MinValue;
        foreach (ref readonly var record in records)
        {
            long time = order.Time(record);
            first = Math.Min(first, time);
            last = Math.Max(last, time);
        }

        ulong span = (ulong)(last - first);
        int passes = Math.Max(1, (64 - System.Numerics.BitOperations.LeadingZeroCount(span) + Bits - 1) / Bits);
        if (passes > MaxPasses)
        {
            records.Sort(order);
            return;
        }

        if (scratch.Length < records.Length)
        {
            // Doubling, as the week buffers grow: weeks that grow a little at a time (users signing up all through a long
            // period) would otherwise each leave a large array behind for the GC.
            scratch = new T[Math.Max(records.Length, 2 * scratch.Length)];
        }

        Span<int> starts = stackalloc int[Buckets];
        var source = records;
        var destination = scratch.AsSpan(0, records.Length);
        for (int pass = 0; pass < passes; pass++)
        {
            int shift = pass * Bits;
            starts.Clear();
            foreach (ref readonly var record in source)
            {
                starts[Digit(order.Time(record) - first, shift)]++;
            }

            int position = 0;
            for (int b = 0; b < Buckets; b++)
            {
                (starts[b], position) = (position, position + starts[b]);
            }

            foreach (ref readonly var record in source)
            {
                destination[starts[Digit(order.Time(record) - first, shift)]++] = record;
            }

            var swap = source;
            source = destination;
            destination = swap;
        }

        if (passes % 2 == 1)
        {
            source.CopyTo(records);
        }

        // Sorted by time; records of the same second are put in the full order.
        for (int i = 1; i < records.Length; i++)
        {
            for (int j = i; j > 0 && order.Compare(records[j - 1], records[j]) > 0; j--)
            {
                (records[j - 1], records[j]) = (records[j], records[j - 1]);
            }
        }
    }

    private static int Digit(long offset, int shift) => (int)((ulong)offset >> shift) & (Buckets - 1);
}

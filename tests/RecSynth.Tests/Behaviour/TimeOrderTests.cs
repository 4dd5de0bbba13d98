using CsCheck;
using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// The week sort: the radix sort by time with its insertion pass for records of the same second
/// (<see cref="TimeOrder.Sort"/>) puts records in the same order as a comparison sort with the full file order.
/// </summary>
public sealed class TimeOrderTests
{
    [Fact]
    public void The_radix_sort_equals_the_comparison_sort() =>
        Gen.Select(Gen.Int[0, 3_000], Gen.Int[0, 40], Gen.UInt).Sample((count, spanBits, seed) =>
        {
            // Spans from one second (all ties) to 2^40 seconds (beyond three passes: the comparison sort).
            var random = new Random((int)seed);
            long start = 1_672_531_200 + random.Next(1_000_000);
            long span = 1L << spanBits;
            var records = new InteractionRecord[count];
            for (int i = 0; i < count; i++)
            {
                long time = start + (long)(random.NextDouble() * span);
                long session = random.Next(50) * 10_000_000L + random.Next(5);
                records[i] = new InteractionRecord(time, session, (int)(session / 10_000_000), random.Next(1_000), (byte)random.Next(1, 11),
                    (FeedbackType)random.Next(3), (RecType)random.Next(2));
            }

            // Records equal in the full order would make the comparison sort's result depend on their first order.
            records = [.. records.DistinctBy(r => (r.Timestamp, r.SessionId, r.Position, r.Type))];
            var expected = records.ToArray();
            expected.AsSpan().Sort((x, y) => InteractionRecord.Compare(x, y));
            var scratch = Array.Empty<InteractionRecord>();
            TimeOrder.Sort(records.AsSpan(), ref scratch, new Order());
            Assert.Equal(expected, records);
        }, iter: 300);

    [Fact]
    public void Weeks_that_grow_a_little_at_a_time_reallocate_the_scratch_a_logarithmic_number_of_times()
    {
        // 150 weeks, each 1 % busier than the one before (users signing up all through a three-year period): a scratch
        // sized to each new week would be a new large array nearly every week, garbage the GC keeps as fragmentation.
        var scratch = Array.Empty<InteractionRecord>();
        int allocations = 0;
        double size = 1_000;
        for (int week = 0; week < 150; week++, size *= 1.01)
        {
            var records = new InteractionRecord[(int)size];
            for (int i = 0; i < records.Length; i++)
            {
                records[i] = new InteractionRecord(1_672_531_200 + (records.Length - i) * 60L, i, 0, i, 1, FeedbackType.View, RecType.Cf);
            }

            var before = scratch;
            TimeOrder.Sort(records.AsSpan(), ref scratch, new Order());
            allocations += ReferenceEquals(before, scratch) ? 0 : 1;
            Assert.True(records.AsSpan().SequenceEqual([.. records.OrderBy(r => r.Timestamp)]));
        }

        // The weeks grow 4.4-fold: a doubling scratch is allocated at most 1 + log2(4.4) times (rounded up).
        Assert.InRange(allocations, 1, 4);
    }

    private readonly struct Order : ITimeOrder<InteractionRecord>
    {
        public int Compare(InteractionRecord x, InteractionRecord y) => InteractionRecord.Compare(x, y);

        public long Time(in InteractionRecord record) => record.Timestamp;
    }
}

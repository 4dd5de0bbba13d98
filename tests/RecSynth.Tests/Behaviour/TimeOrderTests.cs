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

    private readonly struct Order : ITimeOrder<InteractionRecord>
    {
        public int Compare(InteractionRecord x, InteractionRecord y) => InteractionRecord.Compare(x, y);

        public long Time(in InteractionRecord record) => record.Timestamp;
    }
}

using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>A week's session start times are sorted in place, by insertion for a few and by Span.Sort for many.</summary>
public sealed class SessionTimesSortTests
{
    [Fact]
    public void Start_times_of_any_count_come_out_in_order_with_every_time_kept()
    {
        var random = new Random(3);
        for (int count = 0; count <= 70; count++)
        {
            // Repeats included (two sessions in the same second), and times far apart.
            long[] times = [.. Enumerable.Range(0, count).Select(_ => random.Next(4) == 0 ? 1_000L : random.NextInt64(-5_000, 1L << 40))];
            long[] expected = [.. times.Order()];
            SessionSchedule.Sort(times);
            Assert.Equal(expected, times);
        }
    }
}

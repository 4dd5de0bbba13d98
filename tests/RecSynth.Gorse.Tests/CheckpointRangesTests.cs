using CsCheck;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse.Tests;

/// <summary>The checkpoint's text form of acknowledged batches round-trips, whatever the order of acknowledgement.</summary>
public sealed class CheckpointRangesTests
{
    [Fact]
    public void Acknowledged_batches_written_as_ranges_read_back_as_the_same_set()
    {
        Gen.Int[1, 300].SelectMany(n => Gen.Int[0, n - 1].Array[0, 2 * n].Select(order => (n, order)))
            .Sample(t =>
            {
                var (n, order) = t;
                var acknowledged = new PushCheckpoint.Acknowledged(new bool[n]);
                foreach (int batch in order)
                {
                    acknowledged.Add(batch);
                }

                var read = PushCheckpoint.ParseRanges(acknowledged.Format(), n).ToHashSet();
                return read.SetEquals(order) && Enumerable.Range(0, n).All(b => acknowledged.IsDone(b) == read.Contains(b));
            });
    }

    [Fact]
    public void A_checkpoint_read_back_continues_where_it_stopped()
    {
        var done = new bool[10];
        foreach (int batch in PushCheckpoint.ParseRanges("0-3,6,8", 10))
        {
            done[batch] = true;
        }

        var acknowledged = new PushCheckpoint.Acknowledged(done);
        acknowledged.Add(4);
        acknowledged.Add(5);

        Assert.Equal("0-6,8", acknowledged.Format());
    }
}

using CsCheck;
using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// The image source's merge of its anchors' neighbour lists: the branch-free kernel
/// (<see cref="Simulator.MergeNeighbours"/>, which keeps its bookkeeping in the products' marks) gives the same
/// candidates, in the same order, with the same scores as the plain merge below.
/// </summary>
public sealed class ImageMergeTests
{
    private const long Start = 1_672_531_200; // the period's start: 2023-01-01
    private const int Weeks = 6;
    private const long Day = 86_400;

    [Fact]
    public void The_merge_equals_the_plain_merge() =>
        Gen.Int[1, 120].SelectMany(products => Gen.Select(Listing.Array[products], SessionOf(products).Array[1, 3])).Sample((listedAt, sessions) =>
        {
            // One scratch for the sessions in turn, as a worker has: the marks of one merge are there in the next.
            int[] listedWeeks = [.. listedAt.Select(t => Simulator.ListedWeek(t, Start, Weeks))];
            int capacity = sessions.Max(s => s.Anchors.Sum(a => a.Neighbours.Length)); // no room to spare
            var scratch = new Simulator.Scratch(listedWeeks, slateSize: 10, capacity);
            foreach (var session in sessions)
            {
                var state = new UserState(1);
                foreach (int item in session.Excluded)
                {
                    state.AddPurchase(item);
                }

                scratch.Exclude(state);
                int stamp = scratch.NextStamp();
                int week = (int)((session.Now - Start) / SessionSchedule.Week);
                int count = 0;
                foreach (var (neighbours, weight) in session.Anchors)
                {
                    count = Simulator.MergeNeighbours(neighbours, weight, count, stamp, week, session.Now, listedAt, scratch);
                }

                var (items, scores) = PlainMerge(session, listedAt);
                Assert.Equal(items, scratch.Candidates.Take(count));
                Assert.Equal(scores, scratch.CandidateScores.Take(count));
                Assert.Equal(float.NegativeInfinity, scratch.CandidateScores[count]); // the next free slot
            }
        }, iter: 20_000);

    [Fact]
    public void Lists_longer_than_the_scratch_holds_are_refused()
    {
        var scratch = new Simulator.Scratch(new int[10], slateSize: 10, maxCandidates: 4);
        scratch.Exclude(new UserState(1));
        Neighbour[] neighbours = [.. Enumerable.Range(0, 5).Select(i => new Neighbour(i, 0.5f))];
        Assert.Throws<InvalidOperationException>(() => Simulator.MergeNeighbours(neighbours, 1, 0, scratch.NextStamp(), 0, Start, new long[10], scratch));
    }

    /// <summary>
    /// The merge in plain loops: the products that are neither excluded nor listed after now, in order of first
    /// appearance, each with its best similarity × its list's weight.
    /// </summary>
    private static (List<int> Items, List<float> Scores) PlainMerge(Session session, long[] listedAt)
    {
        var items = new List<int>();
        var scores = new List<float>();
        foreach (var (neighbours, weight) in session.Anchors)
        {
            foreach (var (item, similarity) in neighbours)
            {
                if (session.Excluded.Contains(item) || listedAt[item] > session.Now)
                {
                    continue;
                }

                int at = items.IndexOf(item);
                if (at < 0)
                {
                    items.Add(item);
                    scores.Add(similarity * weight);
                }
                else
                {
                    scores[at] = Math.Max(scores[at], similarity * weight);
                }
            }
        }

        return (items, scores);
    }

    /// <summary>
    /// Listed before the period, in any of its weeks, or after it; on whole days, so that a product is often listed in
    /// the session's week and now and then at its very second.
    /// </summary>
    private static readonly Gen<long> Listing = Gen.Int[-14, 7 * Weeks + 7].Select(day => Start + day * Day);

    /// <summary>
    /// A session over <paramref name="products"/> products: its time (often at midnight, a listing's second), the
    /// products it excludes, and one to four anchors' lists, from empty to longer than the products (so with repeats),
    /// each with its weight. Few products make products repeat across the lists.
    /// </summary>
    private static Gen<Session> SessionOf(int products)
    {
        var time = Gen.Select(Gen.Int[0, 7 * Weeks - 1], Gen.OneOf(Gen.Const(0), Gen.Int[1, (int)Day - 1]))
            .Select((day, second) => Start + day * Day + second);
        var neighbour = Gen.Select(Gen.Int[0, products - 1], Gen.Float[-1f, 1f]).Select((item, similarity) => new Neighbour(item, similarity));
        var anchor = Gen.Select(neighbour.Array[0, 40], Gen.Float[0.05f, 1f]);
        return Gen.Select(time, Gen.Int[0, products - 1].Array[0, 10], anchor.Array[1, 4])
            .Select((now, excluded, anchors) => new Session(now, excluded, anchors));
    }

    private sealed record Session(long Now, int[] Excluded, (Neighbour[] Neighbours, float Weight)[] Anchors);
}

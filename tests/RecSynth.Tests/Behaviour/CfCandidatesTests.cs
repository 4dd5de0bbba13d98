using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>A warm user's kept CF candidates, packed as 16-bit places in the pools or kept as products, against a plain model.</summary>
public sealed class CfCandidatesTests
{
    [Theory]
    [InlineData(true, 120)]
    [InlineData(false, 120)]
    [InlineData(true, 64)]
    [InlineData(false, 200)]
    public void The_kept_candidates_give_back_their_products_scores_and_the_slots_to_skip(bool packed, int count)
    {
        var random = new Random(5);
        const int Products = 5_000;
        // Pools with repeats (a product in two pools): its code is its first place, and decodes to it all the same.
        int[] pool = [.. Enumerable.Range(0, 3 * count).Select(_ => random.Next(Products))];
        int[] items = [.. pool.Distinct().Take(count)];
        int[]? codeOf = null;
        if (packed)
        {
            codeOf = new int[Products];
            for (int place = pool.Length - 1; place >= 0; place--)
            {
                codeOf[pool[place]] = place;
            }
        }

        float[] scores = [.. items.Select(_ => random.NextSingle())];
        int[] bought = [items[3], items[^1], Products + 7]; // the last is no candidate
        var kept = new CfCandidates(items, scores, bought.Order().ToArray(), pool, codeOf);

        Assert.Equal(items, kept.Items(new int[count + 5]).ToArray());
        Assert.Equal(items, Enumerable.Range(0, items.Length).Select(kept.Item));
        Assert.Equal(scores, kept.Scores.ToArray());
        Assert.All(kept.Interest.Take(items.Length), x => Assert.True(float.IsNaN(x)));

        long[] listedAt = [.. Enumerable.Range(0, Products).Select(_ => (long)random.Next(1_000))];
        var boughtSet = new HashSet<int>(bought);
        foreach (long listedBy in new long[] { 100, 100, 500, 999 }) // in time order, as a user's sessions come
        {
            if (listedBy == 500)
            {
                kept.MarkBought(items[10]);
                boughtSet.Add(items[10]);
            }

            var skip = new ulong[(items.Length + 63) / 64];
            kept.Skipped(listedBy, listedAt, skip);
            for (int slot = 0; slot < items.Length; slot++)
            {
                bool expected = listedAt[items[slot]] > listedBy || boughtSet.Contains(items[slot]);
                Assert.True(expected == ((skip[slot >> 6] >> slot & 1) != 0), $"slot {slot} at {listedBy}");
            }
        }
    }
}

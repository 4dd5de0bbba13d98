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
        Assert.All(kept.InterestArray.AsSpan(kept.InterestAt, items.Length).ToArray(), x => Assert.True(float.IsNaN(x)));

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

    /// <summary>
    /// Several users' candidates cut from one store whose blocks hold only a few of them: each keeps its own products,
    /// scores, interest and bought slots, whatever the others write into the blocks they share.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Candidates_kept_side_by_side_in_a_store_do_not_share_their_slots(bool packed)
    {
        var random = new Random(11);
        const int Products = 2_000, Count = 70, Users = 9;
        int[] pool = [.. Enumerable.Range(0, Products)];
        int[]? codeOf = packed ? pool : null;
        var store = new CfCandidates.Store(Count + 2, usersPerBlock: 3); // three users a block, a few entries left over
        var items = new int[Users][];
        var scores = new float[Users][];
        var kept = new CfCandidates[Users];
        for (int u = 0; u < Users; u++)
        {
            items[u] = [.. Enumerable.Range(0, Products).OrderBy(_ => random.Next()).Take(Count)];
            scores[u] = [.. items[u].Select(_ => random.NextSingle())];
            kept[u] = new CfCandidates(items[u], scores[u], [], pool, codeOf, store);
        }

        // Every user writes an interest into each slot and buys its first product; the others must not see it.
        for (int u = 0; u < Users; u++)
        {
            for (int slot = 0; slot < Count; slot++)
            {
                kept[u].InterestArray[kept[u].InterestAt + slot] = u * 1000 + slot;
            }

            kept[u].MarkBought(items[u][0]);
        }

        long[] listedAt = new long[Products]; // all listed long ago
        for (int u = 0; u < Users; u++)
        {
            Assert.Equal(items[u], kept[u].Items(new int[Count]).ToArray());
            Assert.Equal(scores[u], kept[u].Scores.ToArray());
            Assert.Equal(
                Enumerable.Range(0, Count).Select(slot => (float)(u * 1000 + slot)),
                kept[u].InterestArray.AsSpan(kept[u].InterestAt, Count).ToArray());
            var skip = new ulong[2];
            kept[u].Skipped(0, listedAt, skip);
            Assert.Equal(1UL, skip[0]); // its own first slot, bought; nothing else
            Assert.Equal(0UL, skip[1]);
        }
    }

    /// <summary>A store's blocks: a sixteenth of the users, at most 65,536 of them, and at most 64 MiB of interest and scores.</summary>
    [Theory]
    [InlineData(1_000_000, 120, 62_500)]
    [InlineData(10_000_000, 120, 65_536)]
    [InlineData(5_000, 120, 312)]
    [InlineData(10_000_000, 10_000, 838)]
    [InlineData(3, 10, 1)]
    public void A_stores_blocks_hold_a_sixteenth_of_the_users_within_64_MiB(int users, int candidates, int expected)
    {
        int perBlock = CfCandidates.Store.UsersPerBlock(users, candidates);
        Assert.Equal(expected, perBlock);
        Assert.True((long)perBlock * 2 * candidates * sizeof(float) <= 64L << 20);
    }
}

using RecSynth.Behaviour;
using RecSynth.Internals;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>CF's candidates for a user (docs/design.md §4), against their definition from the pools.</summary>
public sealed class CfSourceTests
{
    [Fact]
    public void A_users_candidates_are_the_best_products_of_their_three_nearest_pools_each_once()
    {
        // 3,000 products in 12 pools of 240 each (2 × 120 candidates): the pools overlap (popular products are in
        // several), so a user's three pools share products, which must be scored and kept once.
        var options = SimulatedRun.ShortOptions(3_000, 300, days: 7);
        var world = new World(options, 2, TestContext.Current.CancellationToken);
        var cfOptions = options.Behaviour.Cf;
        var cf = world.CfSource(cfOptions, new ParallelOptions { MaxDegreeOfParallelism = 2 }, null);
        var communities = world.Communities;
        int poolSize = cf.PoolRows.Length / communities.Count;
        Assert.Equal(2 * cfOptions.Candidates, poolSize);
        int[][] pools = [.. cf.PoolRows.Chunk(poolSize)];

        int shared = 0;
        foreach (var user in world.UserList)
        {
            float[] factor = world.UserFactor(user.Index).ToArray();
            float Score(int item) => VectorMath.Dot(factor, world.ItemFactor(item)) + (float)cfOptions.PopularityWeight * world.ZPopularity[item];
            int[] nearest = [.. Enumerable.Range(0, communities.Count).OrderByDescending(c => VectorMath.Dot(factor, communities.Centroid(c))).Take(3)];
            var union = nearest.SelectMany(c => pools[c]).ToHashSet();
            shared += 3 * poolSize - union.Count;

            var (items, scores) = cf.Candidates(user.Index);
            Assert.Equal(items.Length, items.Distinct().Count()); // each product once
            Assert.Equal(Math.Min(cfOptions.Candidates, union.Count), items.Length);
            Assert.All(items, item => Assert.Contains(item, union));
            for (int j = 0; j < items.Length; j++)
            {
                Assert.Equal(Score(items[j]), scores[j]); // the same bits: the pools' rows are copies of the factors
                Assert.True(j == 0 || scores[j] <= scores[j - 1], "best first");
            }

            // No product of the pools left out scores above the least kept.
            var kept = items.ToHashSet();
            float least = scores[^1];
            Assert.All(union.Where(item => !kept.Contains(item)), item => Assert.True(Score(item) <= least, $"item {item} of user {user.Index}"));
        }

        Assert.True(shared > world.UserList.Length, $"the users' pools share only {shared} products in all: the test needs overlapping pools");
    }
}

using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Bandits;

/// <summary>The builtin recommender's matrix factorisation learns from feedback alone.</summary>
public sealed class LearnedCfTests
{
    [Fact]
    public void Users_of_two_taste_groups_get_their_groups_products_on_top()
    {
        // 40 users, 200 products; users 0–19 interact only with products 0–99, users 20–39 only with 100–199, each
        // with a seeded random 15 of their group's products (views, some likes). Nothing else is known to the model.
        var model = new LearnedCf(40, 200, candidates: 20, seed: 3);
        var random = new Random(11);
        for (int u = 0; u < 40; u++)
        {
            int offset = u < 20 ? 0 : 100;
            foreach (int item in Enumerable.Range(0, 100).OrderBy(_ => random.Next()).Take(15))
            {
                model.Record(u, offset + item, FeedbackType.View);
                if (random.NextDouble() < 0.3)
                {
                    model.Record(u, offset + item, FeedbackType.Like);
                }
            }
        }

        Assert.False(model.Knows(0));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        for (int sweep = 0; sweep < 5; sweep++)
        {
            model.Retrain(parallel, everyone: true);
        }

        Assert.True(model.Knows(0));

        // By chance a top 20 would hold 10 of the user's group (hypergeometric, sd ≈ 2.2); the model must do far better
        // for every user and on average.
        int[] own = [.. Enumerable.Range(0, 40).Select(u => model.Candidates(u).Items.Count(i => (i < 100) == (u < 20)))];
        Assert.True(own.Min() >= 16, $"a user has only {own.Min()} of the top 20 from their own group");
        Assert.True(own.Average() >= 18, $"on average only {own.Average():F1} of the top 20 come from the user's own group");

        // The popular list is the products with the most users' feedback, counted here from the same draws.
        var replay = new Random(11);
        var users = new int[200];
        for (int u = 0; u < 40; u++)
        {
            int offset = u < 20 ? 0 : 100;
            foreach (int item in Enumerable.Range(0, 100).OrderBy(_ => replay.Next()).Take(15))
            {
                users[offset + item]++;
                _ = replay.NextDouble() < 0.3;
            }
        }

        var popular = model.Popular.Items;
        Assert.Equal(20, popular.Length);
        int weakestListed = popular.Min(i => users[i]);
        int strongestLeftOut = Enumerable.Range(0, 200).Except(popular).Max(i => users[i]);
        Assert.True(weakestListed >= strongestLeftOut, $"a product with {strongestLeftOut} users is left out of the popular list, which holds one with {weakestListed}");
    }

    [Fact]
    public void A_closed_loop_with_the_builtin_recommender_is_the_same_on_any_thread_count_and_differs_from_the_oracle()
    {
        var options = SimulatedRun.ShortOptions(1_500, 300, days: 21);
        var token = TestContext.Current.CancellationToken;
        var one = ClosedLoop.Run(options, "thompson", BanditArms.Two, Recommender.Builtin, threads: 1, token);
        var two = ClosedLoop.Run(options, "thompson", BanditArms.Two, Recommender.Builtin, threads: 2, token);
        var oracle = ClosedLoop.Run(options, "thompson", BanditArms.Two, Recommender.Oracle, threads: 2, token);

        Assert.Equal(one.Summary with { Arms = [], PolicyArms = [], OracleArms = [] }, two.Summary with { Arms = [], PolicyArms = [], OracleArms = [] });
        Assert.Equal(one.Users.Select(u => (u.Sessions, u.Reward)), two.Users.Select(u => (u.Sessions, u.Reward)));
        Assert.Equal(oracle.Summary.Sessions, one.Summary.Sessions); // the same sessions, other slates
        Assert.NotEqual(oracle.Summary.Reward, one.Summary.Reward);
    }

    [Fact]
    public void Candidates_are_the_pools_best_by_score_then_product_and_the_pool_the_most_interacted_with()
    {
        // 300 users, 3,000 products, candidates 40 (a pool of 800): users rate a seeded random 30 of a popularity-skewed
        // catalogue, so counts tie often and the pool's cut falls inside a tie. The candidates are checked against a
        // plain sort of the pool by the model's own scores (ties to the lower product), for every user.
        var model = new LearnedCf(300, 3_000, candidates: 40, seed: 5);
        var random = new Random(17);
        for (int u = 0; u < 300; u++)
        {
            for (int n = 0; n < 30; n++)
            {
                int item = (int)(3_000 * Math.Pow(random.NextDouble(), 3));
                model.Record(u, item, random.NextDouble() < 0.2 ? FeedbackType.Purchase : FeedbackType.View);
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        model.Retrain(parallel);
        model.Retrain(parallel, everyone: true);

        int[] byCount = [.. Enumerable.Range(0, 3_000).OrderByDescending(model.UsersOf).ThenBy(i => i)];
        Assert.Equal(model.UsersOf(byCount[799]), model.UsersOf(byCount[800])); // the cut is inside a tie
        Assert.Equal(byCount.Take(800).Order(), model.Pool.Order());
        Assert.Equal(byCount.Take(40).Order(), model.Popular.Items.Order()); // the 40 most interacted with, ties to the lower product
        for (int u = 0; u < 300; u++)
        {
            int user = u;
            int[] expected = [.. model.Pool.OrderByDescending(i => model.Score(user, i)).ThenBy(i => i).Take(40)];
            var (items, scores) = model.Candidates(u);
            Assert.Equal(expected.Order(), items.Order()); // the best 40 of the pool, in no particular order
            Assert.Equal(items.Select(i => model.Score(user, i)), scores);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(500)]
    [InlineData(999)]
    [InlineData(1_000)]
    public void Selection_moves_the_k_smallest_keys_to_the_front(int k)
    {
        var random = new Random(k);
        ulong[][] inputs =
        [
            [.. Enumerable.Range(0, 1_000).Select(_ => (ulong)random.NextInt64()).Distinct()],
            [.. Enumerable.Range(0, 1_000).Select(i => (ulong)i)],
            [.. Enumerable.Range(0, 1_000).Select(i => (ulong)(1_000 - i))],
            [.. Enumerable.Range(0, 1_000).Select(i => ((ulong)(i % 3) << 32) | (uint)i)], // few distinct high halves
        ];
        foreach (var keys in inputs)
        {
            var expected = keys.Order().Take(k).ToArray();
            LearnedCf.SelectSmallest(keys, k);
            Assert.Equal(expected, keys.Take(k).Order());
        }
    }
}

using System.Numerics.Tensors;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.6, hidden collaborative factors: every product and user has a small latent vector (default 32
/// dimensions) built around the centroid of a taste community; a share (factors.style_affinity) of each joins a
/// community of its style's block, the rest pick one at random.
/// </summary>
public sealed class CollaborativeFactorTests
{
    private static readonly RecSynthOptions s_options = Scenario.Defaults(products: 6_000, users: 2_000);

    [Fact]
    public void Factors_have_the_configured_dimension()
    {
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        var users = UserPopulation.Generate(s_options, TestContext.Current.CancellationToken);
        Assert.Equal(32, catalog.FactorDimensions);
        Assert.Equal(32, users.FactorDimensions);
        Assert.Equal(32, catalog.GetFactors(0).Length);
        Assert.Equal(32, users.GetFactors(0).Length);

        var eight = Scenario.Defaults(products: 10, users: 10) with { Factors = new FactorOptions { Dimensions = 8 } };
        Assert.Equal(8, ProductCatalog.Generate(eight, TestContext.Current.CancellationToken).GetFactors(3).Length);
        Assert.Equal(8, UserPopulation.Generate(eight, TestContext.Current.CancellationToken).GetFactors(3).Length);
    }

    [Fact]
    public void Users_and_products_of_one_community_have_clearly_higher_factor_dot_products()
    {
        // A product's factors are 0.9 × its unit centroid plus noise of norm 0.45, a user's their centroid plus noise
        // of norm 0.5, all noise independent. So E[dot] = 0.9 within a community and 0.9 · (centroid · centroid)
        // across, where random unit centroids in 32 dimensions have dot products of sd 1/√32 = 0.18 around 0.
        // Over 2,000 users × 6,000 products the means have standard errors below 0.005.
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        var population = UserPopulation.Generate(s_options, TestContext.Current.CancellationToken);
        var items = catalog.Items.ToArray();
        var users = population.Users.ToArray();
        float[][] itemFactors = [.. items.Select(i => catalog.GetFactors(i.Index))];
        double same = 0, different = 0;
        long sameCount = 0, differentCount = 0;
        int usersPreferringTheirCommunity = 0;
        foreach (var user in users)
        {
            float[] u = population.GetFactors(user.Index);
            double userSame = 0, userDifferent = 0;
            int userSameCount = 0, userDifferentCount = 0;
            for (int i = 0; i < items.Length; i++)
            {
                double dot = TensorPrimitives.Dot<float>(u, itemFactors[i]);
                if (items[i].Community == user.Community)
                {
                    userSame += dot;
                    userSameCount++;
                }
                else
                {
                    userDifferent += dot;
                    userDifferentCount++;
                }
            }

            same += userSame;
            different += userDifferent;
            sameCount += userSameCount;
            differentCount += userDifferentCount;
            usersPreferringTheirCommunity += userSame / userSameCount > userDifferent / userDifferentCount + 0.3 ? 1 : 0;
        }

        Stats.AssertNear(0.9, same / sameCount, 0.05, "mean user · product factors within a community");
        Stats.AssertNear(0, different / differentCount, 0.15, "mean user · product factors across communities");

        // Per user the within-community mean is 0.9 ± 0.09 (the user's own noise along the centroid), the rest ≈ 0:
        // a gap under 0.3 is a > 6σ event.
        Assert.Equal(users.Length, usersPreferringTheirCommunity);
    }

    [Fact]
    public void Products_of_one_community_have_similar_factors()
    {
        // E[dot] = 0.81 within a community (0.9² · |centroid|²), 0.81 · (centroid · centroid) ≈ 0 across.
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        var items = catalog.Items[..2_000].ToArray();
        float[][] f = [.. items.Select(i => catalog.GetFactors(i.Index))];
        var same = new List<double>();
        var different = new List<double>();
        for (int a = 0; a < items.Length; a++)
        {
            for (int b = a + 1; b < items.Length; b++)
            {
                (items[a].Community == items[b].Community ? same : different).Add(TensorPrimitives.Dot<float>(f[a], f[b]));
            }
        }

        Stats.AssertNear(0.81, same.Average(), 0.05, "mean product · product factors within a community");
        Stats.AssertNear(0, different.Average(), 0.15, "mean product · product factors across communities");
    }

    [Theory]
    [InlineData(0.5, 12)]
    [InlineData(0.0, 12)]
    [InlineData(1.0, 12)]
    [InlineData(0.8, 20)]
    public void The_share_of_products_and_users_in_their_styles_block_matches_the_style_affinity(double affinity, int communities)
    {
        // Communities are split into blocks of ⌊communities / styles⌋, one per style. A style follower (probability
        // a = style_affinity) joins its style's block; anyone else picks any community, landing in that block with
        // probability block/communities. So P(in the style's block) = a + (1 − a) · block/communities.
        // n = 60,000 products and users each: standard error ≤ 0.002; 5σ bands.
        var options = Scenario.Defaults(products: 60_000, users: 60_000) with
        {
            Factors = new FactorOptions { StyleAffinity = affinity, Communities = communities },
        };
        int styles = options.Catalog.Styles.Length;
        int block = communities / styles;
        double expected = affinity + (1 - affinity) * block / communities;
        bool InBlock(int community, int style) => community >= style * block && community < (style + 1) * block;

        var items = ProductCatalog.Generate(options, TestContext.Current.CancellationToken).Items.ToArray();
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Expect.All(items, i => i.Community >= 0 && i.Community < communities, i => $"item_{i.Index} in {i.Community}", "community in range");
        Expect.All(users, u => u.Community >= 0 && u.Community < communities, u => $"U{u.Index} in {u.Community}", "community in range");
        double itemShare = items.Count(i => InBlock(i.Community, i.Style)) / (double)items.Length;
        double userShare = users.Count(u => InBlock(u.Community, u.PrimaryStyle)) / (double)users.Length;
        double tolerance = Stats.Z * Stats.ProportionError(Math.Clamp(expected, 0.01, 0.99), items.Length);
        Stats.AssertNear(expected, itemShare, tolerance, "share of products in their style's block");
        Stats.AssertNear(expected, userShare, tolerance, "share of users in their primary style's block");
    }

    [Fact]
    public void With_fewer_communities_than_styles_a_style_follower_joins_the_community_of_its_style_number()
    {
        var options = Scenario.Defaults(products: 5_000, users: 5_000) with { Factors = new FactorOptions { StyleAffinity = 1, Communities = 4 } };
        var items = ProductCatalog.Generate(options, TestContext.Current.CancellationToken).Items.ToArray();
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Expect.All(items, i => i.Community == i.Style % 4, i => $"item_{i.Index}: style {i.Style}, community {i.Community}", "community = style mod 4");
        Expect.All(users, u => u.Community == u.PrimaryStyle % 4, u => $"U{u.Index}: style {u.PrimaryStyle}, community {u.Community}", "community = style mod 4");
    }
}

using RecSynth.Catalog;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>docs/design.md §2.3, popularity: a latent, heavy-tailed appeal (log-normal with median 1 and catalog.popularity.sigma).</summary>
public sealed class CatalogPopularityTests(CatalogSample sample) : IClassFixture<CatalogSample>
{
    private readonly Item[] _items = sample.Items;

    [Fact]
    public void Log_popularity_has_mean_0_and_sd_equal_to_sigma()
    {
        // n = 100,000, sigma = 1: standard error 1/√n = 0.0032 for the mean of log popularity and
        // 1/√(2n) = 0.0022 for its sd; values are rounded to 4 decimals, which moves the log of all but
        // ~2e-6 of them (popularity < 0.01) by less than 0.005. A 5σ band plus that.
        double sigma = sample.Options.Catalog.Popularity.Sigma;
        double[] logs = [.. _items.Select(i => Math.Log(i.Popularity))];
        Stats.AssertNear(0, Stats.Mean(logs), Stats.Z * sigma / Math.Sqrt(logs.Length), "mean log popularity");
        Stats.AssertNear(sigma, Math.Sqrt(Stats.Variance(logs)), Stats.Z * sigma / Math.Sqrt(2.0 * logs.Length) + 0.001, "sd of log popularity");
    }

    [Fact]
    public void The_top_fifth_of_products_hold_far_more_than_a_fifth_of_the_popularity()
    {
        // For a log-normal with spread σ the top share q of the mass is 1 − Φ(z₁₋q − σ): with σ = 1 and q = 0.2,
        // Φ(1 − 0.8416) = 0.563. The sample share at n = 100,000 has a standard error below 0.003; ±0.02.
        double share = TopFifthShare(_items);
        double expected = Stats.NormalCdf(1.0 - Stats.NormalQuantile(0.8));
        Stats.AssertNear(expected, share, 0.02, "share of popularity held by the top 20 % of products");
        Assert.True(share > 0.5, $"the top 20 % hold only {share:P1} of the popularity: not a long tail");
    }

    [Fact]
    public void A_larger_sigma_gives_a_longer_tail()
    {
        // σ = 2: the top 20 % hold Φ(2 − 0.8416) = 0.877 of the mass. The heavier tail makes the share noisier
        // (standard error ≈ 0.005 at n = 50,000), so ±0.03.
        var options = Scenario.Defaults(products: 50_000).WithCatalog(c => c with { Popularity = new() { Sigma = 2.0 } });
        var items = ProductCatalog.Generate(options, TestContext.Current.CancellationToken).Items.ToArray();
        double expected = Stats.NormalCdf(2.0 - Stats.NormalQuantile(0.8));
        Stats.AssertNear(expected, TopFifthShare(items), 0.03, "share held by the top 20 % with sigma = 2");
    }

    [Fact]
    public void Popularity_is_positive_with_at_most_four_decimals()
    {
        Expect.All(_items, i => i.Popularity > 0 && Stats.HasAtMostDecimals(i.Popularity, 4), i => $"item_{i.Index} has popularity {i.Popularity:R}", "positive popularity, four decimals");
    }

    private static double TopFifthShare(Item[] items)
    {
        double[] popularity = [.. items.Select(i => i.Popularity).OrderDescending()];
        return popularity.Take(popularity.Length / 5).Sum() / popularity.Sum();
    }
}

using RecSynth.Catalog;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.2, price: log-normal, shaped by brand tier, category and condition; median ≈ 57, mean ≈ 85,
/// luxury ≈ 3×, Outerwear ≈ 2.5× Tops, Well Used ≈ 0.55× and Like New ≈ 1.3× Gently Used, two decimals.
/// </summary>
/// <remarks>
/// The design's targets are rounded summaries of the marketplace's data ("≈"). Sampling error at n = 100,000: the log
/// price has sd ≈ 0.85 (0.67 around the factors, plus the spread of the category, brand and condition factors), so
/// the log of the overall median has a standard error of 1.2533 · 0.85 / √100,000 ≈ 0.0034 (0.3 %), and the mean
/// (price sd ≈ 88) one of 0.28 (0.3 %). A median ratio of two groups of n₁ and n₂ products, each with a log sd of
/// about 0.8, has a log standard error of 1.2533 · 0.8 · √(1/n₁ + 1/n₂): at most 0.012 here (Luxury, 8,000
/// products; Outerwear, 12,000). The tolerances below, 3 % for the overall figures and 6 % for the ratios, are
/// each at least 5 standard errors, yet a factor that moved by a tenth would fail them. The luxury tier's "≈ 3×"
/// is the roughest (the brand factor is 3.1 against others that average slightly below 1), so ±10 % there.
/// </remarks>
public sealed class CatalogPriceTests(CatalogSample sample) : IClassFixture<CatalogSample>
{
    private readonly Item[] _items = sample.Items;
    private readonly CatalogVocabulary _vocabulary = sample.Catalog.Vocabulary;

    [Fact]
    public void The_median_price_is_about_57()
    {
        double median = Stats.Median(_items.Select(i => i.Price));
        Stats.AssertNear(57, median, 57 * 0.03, "median price");
    }

    [Fact]
    public void The_mean_price_is_about_85()
    {
        double mean = _items.Average(i => i.Price);
        Stats.AssertNear(85, mean, 85 * 0.03, "mean price");
    }

    [Fact]
    public void Luxury_brands_cost_about_three_times_the_median_of_the_others()
    {
        int gucci = _vocabulary.Brands.IndexOf("Gucci");
        int prada = _vocabulary.Brands.IndexOf("Prada");
        bool Luxury(Item i) => i.Brand == gucci || i.Brand == prada;
        double ratio = Stats.Median(_items.Where(Luxury).Select(i => i.Price)) / Stats.Median(_items.Where(i => !Luxury(i)).Select(i => i.Price));
        Stats.AssertNear(3.0, ratio, 0.30, "luxury / other median price");
    }

    [Fact]
    public void Outerwear_costs_about_two_and_a_half_times_tops()
    {
        double ratio = MedianRatio(i => i.Category, _vocabulary.Categories.IndexOf("Outerwear"), _vocabulary.Categories.IndexOf("Tops"));
        Stats.AssertNear(2.5, ratio, 2.5 * 0.06, "Outerwear / Tops median price");
    }

    [Fact]
    public void Well_used_costs_about_0_55_times_gently_used()
    {
        double ratio = MedianRatio(i => i.Condition, _vocabulary.Conditions.IndexOf("Well Used"), _vocabulary.Conditions.IndexOf("Gently Used"));
        Stats.AssertNear(0.55, ratio, 0.55 * 0.06, "Well Used / Gently Used median price");
    }

    [Fact]
    public void Like_new_costs_about_1_3_times_gently_used()
    {
        double ratio = MedianRatio(i => i.Condition, _vocabulary.Conditions.IndexOf("Like New"), _vocabulary.Conditions.IndexOf("Gently Used"));
        Stats.AssertNear(1.3, ratio, 1.3 * 0.06, "Like New / Gently Used median price");
    }

    [Fact]
    public void Prices_are_positive_with_at_most_two_decimals()
    {
        Expect.All(_items, i => i.Price > 0 && Stats.HasAtMostDecimals(i.Price, 2), i => $"item_{i.Index} costs {i.Price:R}", "positive price, two decimals");
    }

    [Fact]
    public void Prices_are_log_normal_around_the_factors()
    {
        // Divide out base × category × brand × condition: what is left is exp(sigma · N(0, 1)), so its log has
        // mean 0 and sd = catalog.price.sigma (0.67). Standard errors at n = 100,000: 0.67/√n = 0.0021 for the
        // mean and 0.67/√(2n) = 0.0015 for the sd; rounding to cents moves the log by < 0.0002 at 57.
        var o = sample.Options.Catalog;
        double[] residual = [.. _items.Select(i => Math.Log(i.Price / (o.Price.Base * o.Categories[i.Category].PriceFactor
            * o.Brands[i.Brand].PriceFactor * o.Conditions[i.Condition].PriceFactor)))];
        Stats.AssertNear(0, Stats.Mean(residual), Stats.Z * 0.0021, "mean log residual");
        Stats.AssertNear(o.Price.Sigma, Math.Sqrt(Stats.Variance(residual)), Stats.Z * 0.0015 + 0.001, "sd of log residual");
    }

    private double MedianRatio(Func<Item, byte> attribute, int numerator, int denominator) =>
        Stats.Median(_items.Where(i => attribute(i) == numerator).Select(i => i.Price))
        / Stats.Median(_items.Where(i => attribute(i) == denominator).Select(i => i.Price));
}

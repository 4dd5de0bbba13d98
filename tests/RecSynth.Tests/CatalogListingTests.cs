using RecSynth.Catalog;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.4, listed_at: most products are listed before the simulation starts (uniformly within
/// catalog.listed_before_days, default 365); a share (default 20 %) appears during it.
/// </summary>
public sealed class CatalogListingTests(CatalogSample sample) : IClassFixture<CatalogSample>
{
    private readonly Item[] _items = sample.Items;

    [Fact]
    public void About_a_fifth_of_the_products_are_listed_during_the_window()
    {
        // n = 100,000, p = 0.2: standard error 0.0013; 5σ = 0.0063.
        double share = _items.Count(i => i.ListedAt >= Scenario.Start) / (double)_items.Length;
        Stats.AssertNear(0.2, share, Stats.Z * Stats.ProportionError(0.2, _items.Length), "share listed during the window");
    }

    [Fact]
    public void Products_listed_during_the_window_are_listed_before_its_end()
    {
        Expect.All(_items.Where(i => i.ListedAt >= Scenario.Start), i => i.ListedAt < Scenario.End, i => $"item_{i.Index} listed at {i.ListedAt}", "listed before the end " + Scenario.End);
    }

    [Fact]
    public void Products_listed_before_the_start_are_listed_within_365_days_of_it()
    {
        Expect.All(_items.Where(i => i.ListedAt < Scenario.Start), i => i.ListedAt >= Scenario.Start - 365 * Scenario.Day,
            i => $"item_{i.Index} listed {(Scenario.Start - i.ListedAt) / (double)Scenario.Day:F2} days before the start", "listed within 365 days before the start");
    }

    [Fact]
    public void Listing_dates_are_spread_uniformly_over_their_periods()
    {
        // Uniform over 365 days before the start: mean 182.5 days, sd 365/√12 = 105.4 days, so with ~80,000
        // products the mean has a standard error of 0.37 days. Uniform over the 365-day window: mean 182.5 days
        // after the start, standard error 0.75 days with ~20,000 products. 5σ bands.
        double[] before = [.. _items.Where(i => i.ListedAt < Scenario.Start).Select(i => (Scenario.Start - i.ListedAt) / (double)Scenario.Day)];
        double[] during = [.. _items.Where(i => i.ListedAt >= Scenario.Start).Select(i => (i.ListedAt - Scenario.Start) / (double)Scenario.Day)];
        double sd = 365 / Math.Sqrt(12);
        Stats.AssertNear(182.5, Stats.Mean(before), Stats.Z * sd / Math.Sqrt(before.Length), "mean days listed before the start");
        Stats.AssertNear(182.5, Stats.Mean(during), Stats.Z * sd / Math.Sqrt(during.Length), "mean days listed after the start");
    }

    [Fact]
    public void The_listing_share_and_days_are_configurable()
    {
        // listed_during_share = 0.6 over 40,000 products: standard error 0.0024. listed_before_days = 30.
        var options = Scenario.Defaults(products: 40_000).WithCatalog(c => c with { ListedDuringShare = 0.6, ListedBeforeDays = 30 });
        var items = ProductCatalog.Generate(options, TestContext.Current.CancellationToken).Items.ToArray();
        double share = items.Count(i => i.ListedAt >= Scenario.Start) / (double)items.Length;
        Stats.AssertNear(0.6, share, Stats.Z * Stats.ProportionError(0.6, items.Length), "share listed during the window");
        Expect.All(items, i => i.ListedAt >= Scenario.Start - 30 * Scenario.Day && i.ListedAt < Scenario.End, i => $"item_{i.Index} listed at {i.ListedAt}", "listed within 30 days before the start or during the window");
    }

    [Fact]
    public void With_no_share_during_the_window_every_product_is_listed_before_the_start()
    {
        var options = Scenario.Defaults(products: 5_000).WithCatalog(c => c with { ListedDuringShare = 0 });
        var items = ProductCatalog.Generate(options, TestContext.Current.CancellationToken).Items.ToArray();
        Expect.All(items, i => i.ListedAt < Scenario.Start, i => $"item_{i.Index} listed at {i.ListedAt}", "listed before the start");
    }
}

using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.1, attributes: every attribute follows its configured relative frequencies, subcategories are
/// equally likely within their category, and a subcategory always belongs to the product's category.
/// </summary>
/// <remarks>
/// Frequencies are checked with Pearson's chi-square over 100,000 products against the bound at p ≈ 3e-7
/// (<see cref="Stats.ChiSquareBound"/>): a weight that is off by a fifth in a cell of 10 % moves the statistic by
/// about (0.02 · 100,000)² / 10,000 = 400, far beyond the bound (≈ 49 at 9 degrees of freedom).
/// </remarks>
public sealed class CatalogAttributeTests(CatalogSample sample) : IClassFixture<CatalogSample>
{
    private readonly Item[] _items = sample.Items;
    private readonly CatalogOptions _options = sample.Options.Catalog;

    [Fact]
    public void Categories_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Category), [.. _options.Categories.Select(c => c.Weight)], "category");

    [Fact]
    public void Colors_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Color), [.. _options.Colors.Select(c => c.Weight)], "color");

    [Fact]
    public void Patterns_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Pattern), [.. _options.Patterns.Select(c => c.Weight)], "pattern");

    [Fact]
    public void Materials_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Material), [.. _options.Materials.Select(c => c.Weight)], "material");

    [Fact]
    public void Brands_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Brand), [.. _options.Brands.Select(c => c.Weight)], "brand");

    [Fact]
    public void Conditions_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Condition), [.. _options.Conditions.Select(c => c.Weight)], "condition");

    [Fact]
    public void Sizes_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Size), [.. _options.Sizes.Select(c => c.Weight)], "size");

    [Fact]
    public void Styles_follow_their_weights() =>
        Stats.AssertFollowsWeights(_items.Select(i => (int)i.Style), [.. _options.Styles.Select(c => c.Weight)], "style");

    [Fact]
    public void Each_category_holds_about_its_weight_in_products()
    {
        // Per-category binomial bound, the plainest form of the check: 5 standard errors of a proportion.
        double total = _options.Categories.Sum(c => c.Weight);
        for (int c = 0; c < _options.Categories.Length; c++)
        {
            double p = _options.Categories[c].Weight / total;
            double share = _items.Count(i => i.Category == c) / (double)_items.Length;
            Stats.AssertNear(p, share, Stats.Z * Stats.ProportionError(p, _items.Length), "share of " + _options.Categories[c].Name);
        }
    }

    [Fact]
    public void A_subcategory_always_belongs_to_the_category()
    {
        var vocabulary = sample.Catalog.Vocabulary;
        Expect.All(_items, i => _options.Categories[i.Category].Subcategories.Contains(vocabulary.Subcategories[i.Subcategory]),
            i => $"item_{i.Index} is a {vocabulary.Subcategories[i.Subcategory]} in {vocabulary.Categories[i.Category]}", "subcategory within the category");
    }

    [Fact]
    public void Subcategories_are_equally_likely_within_their_category()
    {
        var vocabulary = sample.Catalog.Vocabulary;
        for (int c = 0; c < _options.Categories.Length; c++)
        {
            var names = _options.Categories[c].Subcategories;
            var codes = _items.Where(i => i.Category == c).Select(i => names.IndexOf(vocabulary.Subcategories[i.Subcategory]));
            Stats.AssertFollowsWeights(codes, [.. names.Select(_ => 1.0)], "subcategory within " + _options.Categories[c].Name);
        }
    }

    [Fact]
    public void Configured_weights_are_followed_and_zero_weights_never_drawn()
    {
        var options = Scenario.Defaults(products: 50_000).WithCatalog(c => c with
        {
            Categories = [new("Hats", 0.7, 1.0, ["Cap", "Beanie"]), new("Gloves", 0, 1.0, ["Mitten"]), new("Socks", 0.3, 1.0, ["Ankle", "Knee", "Toe"])],
            Colors = [new("Black", 1), new("White", 0), new("Red", 3)],
        }).WithUsers(u => u with { StylePreferences = u.StylePreferences with { Colors = new(1, 2) } });
        var catalog = ProductCatalog.Generate(options, TestContext.Current.CancellationToken);
        var items = catalog.Items.ToArray();
        Stats.AssertFollowsWeights(items.Select(i => (int)i.Category), [0.7, 0, 0.3], "category");
        Stats.AssertFollowsWeights(items.Select(i => (int)i.Color), [1, 0, 3], "color");
        Expect.All(items, i => options.Catalog.Categories[i.Category].Subcategories.Contains(catalog.Vocabulary.Subcategories[i.Subcategory]),
            i => $"item_{i.Index} is a {catalog.Vocabulary.Subcategories[i.Subcategory]}", "subcategory within the category");
    }
}

using RecSynth.Catalog;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>docs/design.md §2 and §2.1: item ids are item_0, item_1, … in row order, and titles read like "Gray Striped Coat by Zara (Like New)".</summary>
public sealed class CatalogNamingTests
{
    [Fact]
    public void The_spec_example_title_is_produced_from_its_attributes()
    {
        var catalog = ProductCatalog.Generate(Scenario.Defaults(products: 10), TestContext.Current.CancellationToken);
        var v = catalog.Vocabulary;
        var item = new Item
        {
            Color = (byte)v.Colors.IndexOf("Gray"),
            Pattern = (byte)v.Patterns.IndexOf("Striped"),
            Subcategory = (byte)v.Subcategories.IndexOf("Coat"),
            Category = (byte)v.Categories.IndexOf("Outerwear"),
            Brand = (byte)v.Brands.IndexOf("Zara"),
            Condition = (byte)v.Conditions.IndexOf("Like New"),
        };
        Assert.Equal("Gray Striped Coat by Zara (Like New)", v.Title(item));
    }

    [Fact]
    public void Every_title_reads_color_pattern_subcategory_by_brand_and_condition()
    {
        var catalog = ProductCatalog.Generate(Scenario.Defaults(products: 2_000), TestContext.Current.CancellationToken);
        var v = catalog.Vocabulary;
        foreach (var item in catalog.Items)
        {
            string expected = v.Colors[item.Color] + " " + v.Patterns[item.Pattern] + " " + v.Subcategories[item.Subcategory]
                + " by " + v.Brands[item.Brand] + " (" + v.Conditions[item.Condition] + ")";
            Assert.Equal(expected, v.Title(item));
        }
    }

    [Theory]
    [InlineData(0, "item_0")]
    [InlineData(1, "item_1")]
    [InlineData(42, "item_42")]
    [InlineData(1_234_567, "item_1234567")]
    [InlineData(int.MaxValue, "item_2147483647")]
    public void The_item_id_is_item_and_the_index(int index, string expected) =>
        Assert.Equal(expected, CatalogVocabulary.ItemId(index));

    [Fact]
    public void Products_come_in_id_order()
    {
        var catalog = ProductCatalog.Generate(Scenario.Defaults(products: 10_000), TestContext.Current.CancellationToken);
        var items = catalog.Items;
        for (int i = 0; i < items.Length; i++)
        {
            Assert.Equal(i, items[i].Index);
        }
    }
}

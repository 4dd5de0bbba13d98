using System.Globalization;
using RecSynth.Catalog;

namespace RecSynth.Files.Internals;

/// <summary>Fills <c>products.parquet</c> rows: the fields of <see cref="ProductsCsv"/>, typed (docs/design.md §2).</summary>
internal sealed class ProductsParquet(CatalogVocabulary vocabulary)
{
    // "Gray Striped Coat by Zara (Like New)": the five names and the nine characters around them.
    private readonly int _maxTitle = 9 + new[] { vocabulary.Colors, vocabulary.Patterns, vocabulary.Subcategories, vocabulary.Brands, vocabulary.Conditions }
        .Sum(names => names.Select(n => n.Length).DefaultIfEmpty().Max());

    public void WriteRow(in Item item, ref ParquetRow row)
    {
        var v = vocabulary;
        row.Id("item_", item.Index, 1);
        row.Text(v.Categories[item.Category]);
        row.Text(v.Subcategories[item.Subcategory]);
        row.Text(v.Styles[item.Style]);
        row.Text(v.Colors[item.Color]);
        row.Text(v.Patterns[item.Pattern]);
        row.Text(v.Materials[item.Material]);
        row.Text(v.Brands[item.Brand]);
        row.Text(v.Conditions[item.Condition]);
        row.Text(v.Sizes[item.Size]);
        row.Fixed(item.Price, 2);
        row.Time(item.ListedAt);
        row.Fixed(item.Popularity, 4);
        var title = row.StartText(_maxTitle);
        if (!title.TryWrite(
            CultureInfo.InvariantCulture,
            $"{v.Colors[item.Color]} {v.Patterns[item.Pattern]} {v.Subcategories[item.Subcategory]} by {v.Brands[item.Brand]} ({v.Conditions[item.Condition]})",
            out int length))
        {
            throw new InvalidOperationException($"the title of product {item.Index} is longer than {_maxTitle} characters");
        }

        row.EndText(length);
    }
}

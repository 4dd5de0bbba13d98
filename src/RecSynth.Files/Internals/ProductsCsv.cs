using System.Collections.Immutable;
using System.Text;
using RecSynth.Catalog;

namespace RecSynth.Files.Internals;

/// <summary>Formats <c>products.csv</c> rows (spec §1).</summary>
internal sealed class ProductsCsv
{
    public static readonly ImmutableArray<string> Columns =
        ["item_id", "category", "subcategory", "style", "color", "pattern", "material", "brand", "condition", "size", "price", "listed_at", "popularity", "title"];

    private readonly byte[][] _categories, _subcategories, _styles, _colors, _patterns, _materials, _brands, _conditions, _sizes;

    public ProductsCsv(CatalogVocabulary vocabulary)
    {
        _categories = Utf8(vocabulary.Categories);
        _subcategories = Utf8(vocabulary.Subcategories);
        _styles = Utf8(vocabulary.Styles);
        _colors = Utf8(vocabulary.Colors);
        _patterns = Utf8(vocabulary.Patterns);
        _materials = Utf8(vocabulary.Materials);
        _brands = Utf8(vocabulary.Brands);
        _conditions = Utf8(vocabulary.Conditions);
        _sizes = Utf8(vocabulary.Sizes);
        MaxRowBytes = 256 + 2 * (Longest(_categories) + Longest(_subcategories) + Longest(_styles) + Longest(_materials) + Longest(_sizes))
            + 6 * (Longest(_colors) + Longest(_patterns) + Longest(_subcategories) + Longest(_brands) + Longest(_conditions));
    }

    /// <summary>An upper bound on the bytes of one row.</summary>
    public int MaxRowBytes { get; }

    public static byte[] Header => Encoding.UTF8.GetBytes(string.Join(',', Columns) + "\n");

    public int WriteRow(in Item item, Span<byte> destination)
    {
        var row = new Utf8Row(destination);
        row.Raw("item_"u8);
        row.Integer(item.Index);
        row.Comma();
        row.Field(_categories[item.Category]);
        row.Comma();
        row.Field(_subcategories[item.Subcategory]);
        row.Comma();
        row.Field(_styles[item.Style]);
        row.Comma();
        row.Field(_colors[item.Color]);
        row.Comma();
        row.Field(_patterns[item.Pattern]);
        row.Comma();
        row.Field(_materials[item.Material]);
        row.Comma();
        row.Field(_brands[item.Brand]);
        row.Comma();
        row.Field(_conditions[item.Condition]);
        row.Comma();
        row.Field(_sizes[item.Size]);
        row.Comma();
        row.Fixed(item.Price, 2);
        row.Comma();
        row.Timestamp(item.ListedAt);
        row.Comma();
        row.Fixed(item.Popularity, 4);
        row.Comma();

        // "Gray Striped Coat by Zara (Like New)"
        Span<byte> title = stackalloc byte[MaxRowBytes / 2];
        var t = new Utf8Row(title);
        t.Raw(_colors[item.Color]);
        t.Byte((byte)' ');
        t.Raw(_patterns[item.Pattern]);
        t.Byte((byte)' ');
        t.Raw(_subcategories[item.Subcategory]);
        t.Raw(" by "u8);
        t.Raw(_brands[item.Brand]);
        t.Raw(" ("u8);
        t.Raw(_conditions[item.Condition]);
        t.Byte((byte)')');
        row.Field(title[..t.Length]);
        row.EndLine();
        return row.Length;
    }

    internal static byte[][] Utf8(ImmutableArray<string> names) => [.. names.Select(Encoding.UTF8.GetBytes)];

    internal static int Longest(byte[][] values) => values.Length == 0 ? 0 : values.Max(v => v.Length);
}

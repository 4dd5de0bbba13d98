using System.Collections.Immutable;
using System.Text;
using RecSynth.Catalog;

namespace RecSynth.Files.Internals;

/// <summary>Formats <c>products.csv</c> rows (docs/design.md §2).</summary>
internal sealed class ProductsCsv
{
    public static readonly ImmutableArray<string> Columns =
        ["item_id", "category", "subcategory", "style", "color", "pattern", "material", "brand", "condition", "size", "price", "listed_at", "popularity", "title"];

    // Field bytes, CSV-escaped once here (the names come from the config and may hold commas or quotes).
    private readonly byte[][] _categories, _subcategories, _styles, _colors, _patterns, _materials, _brands, _conditions, _sizes;

    // Raw names, for composing the title (which is escaped as a whole).
    private readonly byte[][] _titleColors, _titlePatterns, _titleSubcategories, _titleBrands, _titleConditions;
    private readonly bool _titleNeedsQuoting;

    public ProductsCsv(CatalogVocabulary vocabulary)
    {
        _categories = Escaped(vocabulary.Categories);
        _subcategories = Escaped(vocabulary.Subcategories);
        _styles = Escaped(vocabulary.Styles);
        _colors = Escaped(vocabulary.Colors);
        _patterns = Escaped(vocabulary.Patterns);
        _materials = Escaped(vocabulary.Materials);
        _brands = Escaped(vocabulary.Brands);
        _conditions = Escaped(vocabulary.Conditions);
        _sizes = Escaped(vocabulary.Sizes);
        _titleColors = Utf8(vocabulary.Colors);
        _titlePatterns = Utf8(vocabulary.Patterns);
        _titleSubcategories = Utf8(vocabulary.Subcategories);
        _titleBrands = Utf8(vocabulary.Brands);
        _titleConditions = Utf8(vocabulary.Conditions);
        _titleNeedsQuoting = new[] { _titleColors, _titlePatterns, _titleSubcategories, _titleBrands, _titleConditions }
            .Any(names => names.Any(n => n.AsSpan().IndexOfAny(",\"\r\n"u8) >= 0));
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
        row.Raw(_categories[item.Category]);
        row.Comma();
        row.Raw(_subcategories[item.Subcategory]);
        row.Comma();
        row.Raw(_styles[item.Style]);
        row.Comma();
        row.Raw(_colors[item.Color]);
        row.Comma();
        row.Raw(_patterns[item.Pattern]);
        row.Comma();
        row.Raw(_materials[item.Material]);
        row.Comma();
        row.Raw(_brands[item.Brand]);
        row.Comma();
        row.Raw(_conditions[item.Condition]);
        row.Comma();
        row.Raw(_sizes[item.Size]);
        row.Comma();
        row.Fixed(item.Price, 2);
        row.Comma();
        row.Timestamp(item.ListedAt);
        row.Comma();
        row.Fixed(item.Popularity, 4);
        row.Comma();

        // "Gray Striped Coat by Zara (Like New)": straight into the row when no name needs quoting (the default
        // vocabulary), else composed aside and written as one escaped field.
        if (_titleNeedsQuoting)
        {
            var title = new byte[MaxRowBytes];
            var t = new Utf8Row(title);
            Title(ref t, item);
            row.Field(title.AsSpan(0, t.Length));
        }
        else
        {
            Title(ref row, item);
        }

        row.EndLine();
        return row.Length;
    }

    private void Title(ref Utf8Row row, in Item item)
    {
        row.Raw(_titleColors[item.Color]);
        row.Byte((byte)' ');
        row.Raw(_titlePatterns[item.Pattern]);
        row.Byte((byte)' ');
        row.Raw(_titleSubcategories[item.Subcategory]);
        row.Raw(" by "u8);
        row.Raw(_titleBrands[item.Brand]);
        row.Raw(" ("u8);
        row.Raw(_titleConditions[item.Condition]);
        row.Byte((byte)')');
    }

    internal static byte[][] Utf8(ImmutableArray<string> names) => [.. names.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Each name as a complete CSV field: quoted, with quotes doubled, only when it needs to be.</summary>
    internal static byte[][] Escaped(ImmutableArray<string> names) =>
    [
        .. names.Select(name =>
        {
            byte[] raw = Encoding.UTF8.GetBytes(name);
            var field = new byte[2 * raw.Length + 2];
            var row = new Utf8Row(field);
            row.Field(raw);
            return field[..row.Length];
        }),
    ];

    internal static int Longest(byte[][] values) => values.Length == 0 ? 0 : values.Max(v => v.Length);
}

using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Catalog;

/// <summary>
/// Draws products one at a time from (seed, index): any product can be made alone, on any thread, and always comes out
/// the same (docs/design.md §2). What the catalogue stage streams into products.csv; <see cref="ProductCatalog"/> holds
/// a whole catalogue in memory.
/// </summary>
public sealed class CatalogModel
{
    private readonly ulong _seed;
    private readonly CatalogOptions _options;
    private readonly double[] _category;
    private readonly double[] _style;
    private readonly double[] _color;
    private readonly double[] _pattern;
    private readonly double[] _material;
    private readonly double[] _brand;
    private readonly double[] _condition;
    private readonly double[] _size;
    private readonly double[] _logCategoryPrice;
    private readonly double[] _logBrandPrice;
    private readonly double[] _logConditionPrice;
    private readonly double _logBasePrice;
    private readonly long _start;
    private readonly long _end;

    /// <summary>The catalogue of <paramref name="options"/> (validated by the caller).</summary>
    public CatalogModel(RecSynthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _seed = (ulong)options.Seed;
        _options = options.Catalog;
        Vocabulary = new CatalogVocabulary(options.Catalog);
        Communities = new TasteCommunities(options);
        _category = Cumulative.Of([.. _options.Categories.Select(c => c.Weight)]); // categories carry more than a weight
        _style = Cumulative.Of(_options.Styles);
        _color = Cumulative.Of(_options.Colors);
        _pattern = Cumulative.Of(_options.Patterns);
        _material = Cumulative.Of(_options.Materials);
        _brand = Cumulative.Of(_options.Brands);
        _condition = Cumulative.Of(_options.Conditions);
        _size = Cumulative.Of(_options.Sizes);
        _logCategoryPrice = [.. _options.Categories.Select(c => Math.Log(c.PriceFactor))];
        _logBrandPrice = [.. _options.Brands.Select(c => Math.Log(c.PriceFactor))];
        _logConditionPrice = [.. _options.Conditions.Select(c => Math.Log(c.PriceFactor))];
        _logBasePrice = Math.Log(_options.Price.Base);
        _start = options.Time.StartSeconds;
        _end = options.Time.EndSeconds;
    }

    /// <summary>The names behind the products' attribute indices.</summary>
    public CatalogVocabulary Vocabulary { get; }

    internal TasteCommunities Communities { get; }

    /// <summary>Products.</summary>
    public int Count => _options.Count;

    /// <summary>Length of a product's hidden collaborative factor vector.</summary>
    public int FactorDimensions => Communities.Dimensions;

    /// <summary>Writes <paramref name="item"/>'s hidden collaborative factors (<see cref="FactorDimensions"/> floats).</summary>
    public void ItemFactors(in Item item, Span<float> destination) => Communities.ItemFactors(item, destination);

    /// <summary>The product of index <paramref name="index"/> (0-based).</summary>
    public Item CreateItem(int index)
    {
        // The order of draws below is part of the seeded output: append, never reorder.
        var random = new EntityRandom(_seed, RandomStream.ItemAttributes, index);
        int category = random.NextFromCumulative(_category);
        int subcategory = Vocabulary.FirstSubcategory[category] + random.NextInt(Vocabulary.SubcategoryCount[category]);
        int style = random.NextFromCumulative(_style);
        int color = random.NextFromCumulative(_color);
        int pattern = random.NextFromCumulative(_pattern);
        int material = random.NextFromCumulative(_material);
        int brand = random.NextFromCumulative(_brand);
        int condition = random.NextFromCumulative(_condition);
        int size = random.NextFromCumulative(_size);

        double logPrice = _logBasePrice + _logCategoryPrice[category] + _logBrandPrice[brand]
            + _logConditionPrice[condition] + _options.Price.Sigma * random.NextNormal();
        double price = Math.Max(0.01, Math.Round(Math.Exp(logPrice), 2));
        double popularity = Math.Max(0.0001, Math.Round(random.NextLogNormal(0, _options.Popularity.Sigma), 4));

        long listedAt = Arrival.Draw(ref random, _start, _end, _options.ListedDuringShare, _options.ListedBeforeDays);

        return new Item
        {
            Index = index,
            Category = (byte)category,
            Subcategory = (byte)subcategory,
            Style = (byte)style,
            Color = (byte)color,
            Pattern = (byte)pattern,
            Material = (byte)material,
            Brand = (byte)brand,
            Condition = (byte)condition,
            Size = (byte)size,
            Price = price,
            Popularity = popularity,
            ListedAt = listedAt,
            Community = Communities.ItemCommunity(index, style),
        };
    }
}

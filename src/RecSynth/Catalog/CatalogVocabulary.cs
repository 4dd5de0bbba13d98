using System.Collections.Immutable;
using RecSynth.Configuration;

namespace RecSynth.Catalog;

/// <summary>The names behind the attribute codes of <see cref="Item"/>, and the lookups the model needs.</summary>
public sealed class CatalogVocabulary
{
    /// <summary>The vocabulary of <paramref name="options"/>.</summary>
    public CatalogVocabulary(CatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Categories = [.. options.Categories.Select(c => c.Name)];
        Subcategories = [.. options.Categories.SelectMany(c => c.Subcategories)];
        Styles = [.. options.Styles.Select(s => s.Name)];
        Colors = [.. options.Colors.Select(s => s.Name)];
        Patterns = [.. options.Patterns.Select(s => s.Name)];
        Materials = [.. options.Materials.Select(s => s.Name)];
        Brands = [.. options.Brands.Select(s => s.Name)];
        Conditions = [.. options.Conditions.Select(s => s.Name)];
        Sizes = [.. options.Sizes.Select(s => s.Name)];

        var subcategoryCategory = new byte[Subcategories.Length];
        var firstSubcategory = new int[Categories.Length];
        var subcategoryCount = new int[Categories.Length];
        int next = 0;
        for (int c = 0; c < options.Categories.Length; c++)
        {
            firstSubcategory[c] = next;
            subcategoryCount[c] = options.Categories[c].Subcategories.Length;
            for (int s = 0; s < subcategoryCount[c]; s++)
            {
                subcategoryCategory[next++] = (byte)c;
            }
        }

        SubcategoryCategory = subcategoryCategory;
        FirstSubcategory = firstSubcategory;
        SubcategoryCount = subcategoryCount;
    }

    /// <summary>Category names.</summary>
    public ImmutableArray<string> Categories { get; }

    /// <summary>Subcategory names, all categories in order.</summary>
    public ImmutableArray<string> Subcategories { get; }

    /// <summary>Style names.</summary>
    public ImmutableArray<string> Styles { get; }

    /// <summary>Color names.</summary>
    public ImmutableArray<string> Colors { get; }

    /// <summary>Pattern names.</summary>
    public ImmutableArray<string> Patterns { get; }

    /// <summary>Material names.</summary>
    public ImmutableArray<string> Materials { get; }

    /// <summary>Brand names.</summary>
    public ImmutableArray<string> Brands { get; }

    /// <summary>Condition names.</summary>
    public ImmutableArray<string> Conditions { get; }

    /// <summary>Size names.</summary>
    public ImmutableArray<string> Sizes { get; }

    /// <summary>The category of each subcategory.</summary>
    internal byte[] SubcategoryCategory { get; }

    internal int[] FirstSubcategory { get; }

    internal int[] SubcategoryCount { get; }

    /// <summary>The product's title, e.g. "Gray Striped Coat by Zara (Like New)".</summary>
    public string Title(in Item item) =>
        $"{Colors[item.Color]} {Patterns[item.Pattern]} {Subcategories[item.Subcategory]} by {Brands[item.Brand]} ({Conditions[item.Condition]})";

    /// <summary>The product's id, <c>item_{index}</c>.</summary>
    public static string ItemId(int index) => "item_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

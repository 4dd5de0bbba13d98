namespace RecSynth.Catalog;

/// <summary>
/// One product (a Gorse item). Attribute values are codes into the catalogue's vocabulary
/// (<see cref="CatalogVocabulary"/>); <see cref="Subcategory"/> is a global index over all subcategories.
/// </summary>
public readonly record struct Item
{
    /// <summary>0-based position in <c>products.csv</c>; the id is <c>item_{Index}</c>.</summary>
    public int Index { get; init; }

    /// <summary>Category code.</summary>
    public byte Category { get; init; }

    /// <summary>Subcategory code (global over all categories).</summary>
    public byte Subcategory { get; init; }

    /// <summary>Style code.</summary>
    public byte Style { get; init; }

    /// <summary>Color code.</summary>
    public byte Color { get; init; }

    /// <summary>Pattern code.</summary>
    public byte Pattern { get; init; }

    /// <summary>Material code.</summary>
    public byte Material { get; init; }

    /// <summary>Brand code.</summary>
    public byte Brand { get; init; }

    /// <summary>Condition code.</summary>
    public byte Condition { get; init; }

    /// <summary>Size code.</summary>
    public byte Size { get; init; }

    /// <summary>Price, rounded to cents.</summary>
    public double Price { get; init; }

    /// <summary>Latent, heavy-tailed appeal (median 1), rounded to 4 decimals.</summary>
    public double Popularity { get; init; }

    /// <summary>When the product is listed, in Unix seconds (UTC). It is never shown before.</summary>
    public long ListedAt { get; init; }

    /// <summary>Hidden taste community (drives the collaborative factors).</summary>
    internal int Community { get; init; }
}

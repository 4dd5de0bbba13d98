using System.Collections.Immutable;

namespace RecSynth.Configuration;

/// <summary>The catalogue (docs/design.md §2): how many products, their attributes, prices, popularity and listing dates.</summary>
public sealed record CatalogOptions
{
    /// <summary>Number of products.</summary>
    [Knob("number of products", Min = 1, Max = 100_000_000)]
    public int Count { get; init; } = 10_000;

    /// <summary>Share of products listed during the simulated period (item cold start).</summary>
    [Knob("share of products listed during the simulated period (item cold start); the rest are listed before it", Min = 0, Max = 1)]
    public double ListedDuringShare { get; init; } = 0.2;

    /// <summary>Products listed before the start are listed uniformly within this many days before it.</summary>
    [Knob("products listed before the start are listed uniformly within this many days before it", Min = 1, Max = 36_500)]
    public int ListedBeforeDays { get; init; } = 365;

    /// <summary>Price model.</summary>
    public PriceOptions Price { get; init; } = new();

    /// <summary>Latent popularity.</summary>
    public PopularityOptions Popularity { get; init; } = new();

    /// <summary>Categories with their subcategories.</summary>
    [Knob("categories: relative frequency, price factor and subcategories")]
    public ImmutableArray<CategoryDefinition> Categories { get; init; } =
    [
        new("Tops", 0.25, 1.0, ["T-Shirt", "Blouse", "Sweater", "Tank Top", "Shirt"]),
        new("Bottoms", 0.20, 1.3, ["Jeans", "Skirt", "Shorts", "Trousers", "Leggings"]),
        new("Dresses", 0.15, 1.5, ["Mini Dress", "Maxi Dress", "Midi Dress", "Evening Dress"]),
        new("Outerwear", 0.12, 2.5, ["Jacket", "Coat", "Blazer", "Cardigan"]),
        new("Shoes", 0.14, 1.7, ["Sneakers", "Boots", "Heels", "Flats", "Sandals"]),
        new("Accessories", 0.14, 1.1, ["Bags", "Jewelry", "Scarves", "Hats", "Belts"]),
    ];

    /// <summary>Colors.</summary>
    [Knob("colors and their relative frequency")]
    public ImmutableArray<WeightedName> Colors { get; init; } =
    [
        new("Black", 0.18), new("White", 0.14), new("Red", 0.08), new("Blue", 0.14), new("Green", 0.07),
        new("Yellow", 0.04), new("Pink", 0.08), new("Purple", 0.05), new("Brown", 0.10), new("Gray", 0.12),
    ];

    /// <summary>Patterns.</summary>
    [Knob("patterns and their relative frequency")]
    public ImmutableArray<WeightedName> Patterns { get; init; } =
    [
        new("Solid", 0.45), new("Striped", 0.15), new("Floral", 0.13), new("Plaid", 0.10), new("Polka Dot", 0.07), new("Animal Print", 0.10),
    ];

    /// <summary>Materials.</summary>
    [Knob("materials and their relative frequency")]
    public ImmutableArray<WeightedName> Materials { get; init; } =
    [
        new("Cotton", 0.30), new("Denim", 0.12), new("Leather", 0.10), new("Silk", 0.08), new("Wool", 0.12), new("Polyester", 0.20), new("Linen", 0.08),
    ];

    /// <summary>Brands, with their price tier.</summary>
    [Knob("brands: relative frequency and price factor (the luxury tier is about 3x)")]
    public ImmutableArray<PricedName> Brands { get; init; } =
    [
        new("Zara", 0.16, 1.0), new("H&M", 0.16, 0.8), new("Nike", 0.10, 1.3), new("Adidas", 0.10, 1.25),
        new("Levi's", 0.08, 1.2), new("Uniqlo", 0.12, 0.9), new("Gucci", 0.04, 3.1), new("Prada", 0.04, 3.1),
        new("Local Brand", 0.20, 0.85),
    ];

    /// <summary>Conditions, with their effect on price.</summary>
    [Knob("conditions: relative frequency and price factor (Gently Used is the reference)")]
    public ImmutableArray<PricedName> Conditions { get; init; } =
    [
        new("Like New", 0.25, 1.3), new("Gently Used", 0.45, 1.0), new("Well Used", 0.15, 0.55), new("Vintage", 0.15, 1.15),
    ];

    /// <summary>Sizes.</summary>
    [Knob("sizes and their relative frequency")]
    public ImmutableArray<WeightedName> Sizes { get; init; } =
    [
        new("XS", 0.10), new("S", 0.25), new("M", 0.30), new("L", 0.22), new("XL", 0.13),
    ];

    /// <summary>Styles (also the users' primary styles).</summary>
    [Knob("styles and their relative frequency (also used for the users' primary style)")]
    public ImmutableArray<WeightedName> Styles { get; init; } =
    [
        new("Casual", 1), new("Formal", 1), new("Streetwear", 1), new("Vintage", 1), new("Minimalist", 1), new("Bohemian", 1),
    ];
}

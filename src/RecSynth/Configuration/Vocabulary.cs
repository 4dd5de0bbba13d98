using System.Collections.Immutable;

namespace RecSynth.Configuration;

/// <summary>A value of a vocabulary with its relative frequency.</summary>
/// <param name="Name">The value as written in the data files.</param>
/// <param name="Weight">Relative frequency (weights need not sum to 1).</param>
public sealed record WeightedName(
    string Name,
    [property: Knob("relative frequency", Min = 0)] double Weight) : INamedEntry;

/// <summary>A value that also shifts the price (a brand tier, a condition).</summary>
/// <param name="Name">The value as written in the data files.</param>
/// <param name="Weight">Relative frequency.</param>
/// <param name="PriceFactor">Multiplies the price of items with this value.</param>
public sealed record PricedName(
    string Name,
    [property: Knob("relative frequency", Min = 0)] double Weight,
    [property: Knob("multiplies the price", Min = 0, MinExclusive = true, Max = 1000)] double PriceFactor) : INamedEntry;

/// <summary>A product category with its subcategories.</summary>
/// <param name="Name">The category as written in the data files.</param>
/// <param name="Weight">Relative frequency.</param>
/// <param name="PriceFactor">Multiplies the price of items in this category.</param>
/// <param name="Subcategories">Its subcategories, equally likely within it.</param>
public sealed record CategoryDefinition(
    string Name,
    [property: Knob("relative frequency", Min = 0)] double Weight,
    [property: Knob("multiplies the price", Min = 0, MinExclusive = true, Max = 1000)] double PriceFactor,
    [property: Knob("subcategories, equally likely within the category")] ImmutableArray<string> Subcategories) : INamedEntry;

/// <summary>A number per named value (e.g. the mean <c>cf_preference</c> of an age group).</summary>
/// <param name="Name">The value it applies to.</param>
/// <param name="Value">The number.</param>
public sealed record NamedNumber(
    string Name,
    [property: Knob("the number for this value")] double Value) : INamedEntry;

/// <summary>An inclusive range of counts.</summary>
public sealed record CountRange
{
    /// <summary>Creates a range.</summary>
    public CountRange(int min, int max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>Smallest count.</summary>
    [Knob("smallest count", Min = 0)]
    public int Min { get; init; }

    /// <summary>Largest count.</summary>
    [Knob("largest count", Min = 0)]
    public int Max { get; init; }
}

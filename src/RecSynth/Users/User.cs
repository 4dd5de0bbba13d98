namespace RecSynth.Users;

/// <summary>
/// One user (a Gorse user). Attribute values are codes: <see cref="AgeGroup"/> into the age groups,
/// <see cref="PrimaryStyle"/> into the catalogue's styles, the levels 0 = Low, 1 = Medium, 2 = High;
/// the masks have bit i set when value i of the catalogue's colors (patterns, materials, brands) is preferred.
/// </summary>
public readonly record struct User
{
    /// <summary>0-based position in <c>users.csv</c>.</summary>
    public int Index { get; init; }

    /// <summary>Age group code.</summary>
    public byte AgeGroup { get; init; }

    /// <summary>Primary style code (a catalogue style).</summary>
    public byte PrimaryStyle { get; init; }

    /// <summary>0 = Low, 1 = Medium, 2 = High.</summary>
    public byte PriceSensitivity { get; init; }

    /// <summary>0 = Low, 1 = Medium, 2 = High.</summary>
    public byte SustainabilityFocus { get; init; }

    /// <summary>Preferred colors, one bit per catalogue color.</summary>
    public uint ColorMask { get; init; }

    /// <summary>Preferred patterns.</summary>
    public uint PatternMask { get; init; }

    /// <summary>Preferred materials.</summary>
    public uint MaterialMask { get; init; }

    /// <summary>Preferred brands.</summary>
    public uint BrandMask { get; init; }

    /// <summary>Inherent preference for CF over image recommendations, in [0, 1], 4 decimals.</summary>
    public double CfPreference { get; init; }

    /// <summary>How reliably the user acts on <see cref="CfPreference"/>, in [0.7, 1] by default, 4 decimals.</summary>
    public double PreferenceConsistency { get; init; }

    /// <summary>Mean sessions per week, 4 decimals.</summary>
    public double Activity { get; init; }

    /// <summary>Sign-up time in Unix seconds (UTC); no behaviour before it.</summary>
    public long SignedUpAt { get; init; }

    /// <summary>When <see cref="CfPreference"/> changes to <see cref="CfPreferenceAfter"/> (Unix seconds), or null.</summary>
    public long? DriftAt { get; init; }

    /// <summary>The preference after <see cref="DriftAt"/>, or null.</summary>
    public double? CfPreferenceAfter { get; init; }

    /// <summary>Hidden taste community (drives the collaborative factors).</summary>
    internal int Community { get; init; }
}

namespace RecSynth.Configuration;

/// <summary>Named dataset sizes.</summary>
public enum Preset
{
    /// <summary>The original scripts' sizes: 1,000 products, 11 users.</summary>
    Seed,

    /// <summary>10,000 products, 5,000 users (the default).</summary>
    Small,

    /// <summary>100,000 products, 100,000 users.</summary>
    Medium,

    /// <summary>1,000,000 products, 1,000,000 users.</summary>
    Large,
}

/// <summary>The sizes behind each <see cref="Preset"/>.</summary>
public static class Presets
{
    /// <summary>Number of products and users of a preset.</summary>
    public static (int Products, int Users) Sizes(Preset preset) => preset switch
    {
        Preset.Seed => (1_000, 11),
        Preset.Small => (10_000, 5_000),
        Preset.Medium => (100_000, 100_000),
        Preset.Large => (1_000_000, 1_000_000),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
    };
}

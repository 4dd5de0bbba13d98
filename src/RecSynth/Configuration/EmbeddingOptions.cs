namespace RecSynth.Configuration;

/// <summary>The element type of <c>embeddings.npy</c>.</summary>
public enum EmbeddingDType
{
    /// <summary>Little-endian IEEE single precision (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>Little-endian IEEE double precision (<c>&lt;f8</c>).</summary>
    Float64,
}

/// <summary>
/// Image embeddings (docs/design.md §2.5): each vector is a weighted sum of orthonormal attribute prototypes plus
/// Gaussian noise, normalised to unit length. Two products' expected cosine is the sum of the weights of
/// the prototypes they share: across categories <c>global</c> (0.05 by default); within a category
/// <c>global + category</c> plus, on average, the attributes that happen to match (0.62); within a subcategory add
/// <c>subcategory</c> (0.76); the same color adds <c>color</c> (0.82); a shared pattern, material or brand adds its weight.
/// </summary>
public sealed record EmbeddingOptions
{
    /// <summary>Vector length.</summary>
    [Knob("vector length: a multiple of 16, at least the number of attribute prototypes", Min = 16, Max = 8192)]
    public int Dimensions { get; init; } = 512;

    /// <summary>Element type of the file.</summary>
    [Knob("element type of embeddings.npy", OneOf = "float32|float64")]
    public EmbeddingDType Dtype { get; init; } = EmbeddingDType.Float32;

    /// <summary>Weight of the prototype every product shares.</summary>
    [Knob("similarity every pair of products shares (different categories)", Min = 0, Max = 1)]
    public double Global { get; init; } = 0.05;

    /// <summary>Weight of the category prototype.</summary>
    [Knob("similarity added by sharing the category", Min = 0, Max = 1)]
    public double Category { get; init; } = 0.534;

    /// <summary>Weight of the subcategory prototype.</summary>
    [Knob("similarity added by sharing the subcategory", Min = 0, Max = 1)]
    public double Subcategory { get; init; } = 0.146;

    /// <summary>Weight of the (category, color) prototype.</summary>
    [Knob("similarity added by sharing the color within a category", Min = 0, Max = 1)]
    public double Color { get; init; } = 0.06;

    /// <summary>Weight of the (category, pattern) prototype.</summary>
    [Knob("similarity added by sharing the pattern within a category", Min = 0, Max = 1)]
    public double Pattern { get; init; } = 0.05;

    /// <summary>Weight of the (category, material) prototype.</summary>
    [Knob("similarity added by sharing the material within a category", Min = 0, Max = 1)]
    public double Material { get; init; } = 0.05;

    /// <summary>Weight of the (category, brand) prototype.</summary>
    [Knob("similarity added by sharing the brand within a category", Min = 0, Max = 1)]
    public double Brand { get; init; } = 0.05;

    /// <summary>What is left for per-item noise: 1 minus the sum of the weights.</summary>
    internal double Noise => 1.0 - (Global + Category + Subcategory + Color + Pattern + Material + Brand);
}

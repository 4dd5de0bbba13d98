namespace RecSynth.Configuration;

/// <summary>
/// Hidden collaborative factors (docs/design.md §2.6): small latent vectors for products and users, built from
/// taste communities, that drive what CF can discover and images cannot.
/// </summary>
public sealed record FactorOptions
{
    /// <summary>Length of the latent vectors.</summary>
    [Knob("length of the latent vectors", Min = 2, Max = 1024)]
    public int Dimensions { get; init; } = 32;

    /// <summary>Number of taste communities.</summary>
    [Knob("number of taste communities (centroids in factor space)", Min = 1, Max = 10_000)]
    public int Communities { get; init; } = 12;

    /// <summary>Share of products and users whose community follows their style.</summary>
    [Knob("share of products and users whose community follows their (primary) style; the rest pick one at random", Min = 0, Max = 1)]
    public double StyleAffinity { get; init; } = 0.5;

    /// <summary>Noise added to a product's community centroid.</summary>
    [Knob("norm of the noise around a product's community centroid", Min = 0, Max = 10)]
    public double ItemNoise { get; init; } = 0.45;

    /// <summary>Noise added to a user's community centroid.</summary>
    [Knob("norm of the noise around a user's community centroid", Min = 0, Max = 10)]
    public double UserNoise { get; init; } = 0.5;

    /// <summary>Whether <c>item_factors.npy</c> and <c>user_factors.npy</c> are written.</summary>
    [Knob("write item_factors.npy and user_factors.npy (float32) for research")]
    public bool Write { get; init; }

    /// <summary>Weight with which a product's community centroid enters its factors.</summary>
    internal const double ItemCentroidWeight = 0.9;
}

namespace RecSynth.Gorse;

/// <summary>What a dataset's labels carry in Gorse.</summary>
public sealed record GorseDatasetOptions
{
    /// <summary>Put each product's embedding into <c>Labels.embedding</c> (for an embedding item-to-item recommender).</summary>
    public bool WithEmbeddings { get; init; }

    /// <summary>Also put the hidden ground truth into the labels (cf_preference, consistency, activity, drift; popularity).</summary>
    public bool WithGroundTruth { get; init; }

    /// <summary>The files a loaded dataset was read from (set by <see cref="GorseDataset.Load"/>), for <see cref="GorseDataset.RequiredFiles"/>.</summary>
    internal IReadOnlyList<string>? Files { get; init; }
}

namespace RecSynth.Files;

/// <summary>Where and how <c>DatasetGenerator</c> writes a dataset. None of these change the bytes written.</summary>
public sealed record GenerateOptions
{
    /// <summary>Output folder (created when missing).</summary>
    public string Directory { get; init; } = "generated_data";

    /// <summary>Which stage to run.</summary>
    public DatasetStage Stage { get; init; } = DatasetStage.All;

    /// <summary>Worker threads; output is byte-identical for any value.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The formats of the tables: CSV (the default), Parquet, or both. Embeddings and factors are always <c>.npy</c>.</summary>
    public DatasetFormats Formats { get; init; } = DatasetFormats.Csv;

    /// <summary>Replace existing files in a non-empty folder.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Simulate the behaviour of one shard of the users only. With <see cref="DatasetStage.Behaviour"/>, on the catalogue
    /// and users in the folder, the shard writes its part of each behaviour table (<c>interactions/part-k.parquet</c>,
    /// …, and <c>shards/part-k.json</c>) next to them, and the shards' parts read as one dataset (docs/sharding.md);
    /// with <see cref="DatasetStage.All"/>, the folder is the shard's own (the catalogue and users written whole), and
    /// <see cref="DatasetMerger.Merge"/> joins the shards' folders into the dataset of an unsharded run.
    /// </summary>
    public DatasetShard? Shard { get; init; }
}

namespace RecSynth.Files;

/// <summary>The file formats of the tables (products, users, interactions, sessions, ground truth).</summary>
[Flags]
public enum DatasetFormats
{
    /// <summary>CSV (<c>products.csv</c>…): the default, and what <c>stats</c>, <c>merge</c> and <c>push</c> read.</summary>
    Csv = 1,

    /// <summary>Apache Parquet (<c>products.parquet</c>…), the same rows with typed columns.</summary>
    Parquet = 2,
}

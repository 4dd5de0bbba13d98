namespace RecSynth.Files;

/// <summary>Which part of a dataset to generate.</summary>
public enum DatasetStage
{
    /// <summary>Every stage.</summary>
    All,

    /// <summary>The catalogue: <c>products.csv</c>, <c>embeddings.npy</c>, optionally <c>item_factors.npy</c>.</summary>
    Catalog,

    /// <summary>The users: <c>users.csv</c>, optionally <c>user_factors.npy</c>.</summary>
    Users,
}

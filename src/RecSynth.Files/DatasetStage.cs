namespace RecSynth.Files;

/// <summary>Which part of a dataset to generate.</summary>
public enum DatasetStage
{
    /// <summary>Every stage: catalogue, users, behaviour.</summary>
    All,

    /// <summary>The catalogue: <c>products.csv</c>, <c>embeddings.npy</c>, optionally <c>item_factors.npy</c>.</summary>
    Catalog,

    /// <summary>The users: <c>users.csv</c>, optionally <c>user_factors.npy</c>.</summary>
    Users,

    /// <summary>Behaviour: <c>interactions.csv</c>, <c>sessions.csv</c>, <c>ground_truth.csv</c>, simulated on the catalogue and users.</summary>
    Behaviour,
}

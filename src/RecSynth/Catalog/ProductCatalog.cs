using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Catalog;

/// <summary>
/// A generated catalogue in memory: the products, their vocabulary, and their embeddings and hidden
/// factors on demand. The entry point for .NET users who build datasets inside their own tests.
/// </summary>
public sealed class ProductCatalog
{
    private readonly Item[] _items;
    private readonly EmbeddingModel _embeddings;
    private readonly TasteCommunities _communities;

    private ProductCatalog(Item[] items, CatalogVocabulary vocabulary, EmbeddingModel embeddings, TasteCommunities communities)
    {
        _items = items;
        Vocabulary = vocabulary;
        _embeddings = embeddings;
        _communities = communities;
    }

    /// <summary>The products, in id order.</summary>
    public ReadOnlySpan<Item> Items => _items;

    /// <summary>Names behind the attribute codes.</summary>
    public CatalogVocabulary Vocabulary { get; }

    /// <summary>Length of an embedding.</summary>
    public int EmbeddingDimensions => _embeddings.Dimensions;

    /// <summary>Length of a hidden factor vector.</summary>
    public int FactorDimensions => _communities.Dimensions;

    /// <summary>Generates the catalogue of <paramref name="options"/> (validated first).</summary>
    public static ProductCatalog Generate(RecSynthOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        var model = new CatalogModel(options);
        var items = Entities.Create(model.Count, model.CreateItem, cancellationToken);
        return new ProductCatalog(items, model.Vocabulary, new EmbeddingModel(options), model.Communities);
    }

    /// <summary>Writes product <paramref name="index"/>'s unit embedding into <paramref name="destination"/>.</summary>
    public void GetEmbedding(int index, Span<float> destination)
    {
        if (destination.Length < EmbeddingDimensions)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; an embedding needs {EmbeddingDimensions}", nameof(destination));
        }

        _embeddings.Compose(_items[index], destination);
    }

    /// <summary>Product <paramref name="index"/>'s unit embedding.</summary>
    public float[] GetEmbedding(int index)
    {
        var vector = new float[EmbeddingDimensions];
        GetEmbedding(index, vector);
        return vector;
    }

    /// <summary>Product <paramref name="index"/>'s hidden collaborative factors.</summary>
    public float[] GetFactors(int index)
    {
        var factors = new float[FactorDimensions];
        _communities.ItemFactors(_items[index], factors);
        return factors;
    }
}

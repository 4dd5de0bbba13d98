using System.Numerics.Tensors;
using RecSynth.Catalog;

namespace RecSynth.Tests.Support;

/// <summary>20,000 products of the default scenario with their 512-float embeddings, made once per test class.</summary>
public sealed class EmbeddingSample
{
    public const int Count = 20_000;

    public EmbeddingSample()
    {
        Catalog = ProductCatalog.Generate(Scenario.Defaults(products: Count), TestContext.Current.CancellationToken);
        Items = Catalog.Items.ToArray();
        Dimensions = Catalog.EmbeddingDimensions;
        Vectors = new float[Count * Dimensions];
        Parallel.For(0, Count, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken },
            i => Catalog.GetEmbedding(i, Vectors.AsSpan(i * Dimensions, Dimensions)));
    }

    public ProductCatalog Catalog { get; }

    public Item[] Items { get; }

    public int Dimensions { get; }

    /// <summary>Row i is product i's embedding.</summary>
    public float[] Vectors { get; }

    public ReadOnlySpan<float> Vector(int index) => Vectors.AsSpan(index * Dimensions, Dimensions);

    /// <summary>Cosine similarity of two products (their vectors have unit norm, but divide anyway).</summary>
    public double Cosine(int a, int b) => TensorPrimitives.CosineSimilarity(Vector(a), Vector(b));
}

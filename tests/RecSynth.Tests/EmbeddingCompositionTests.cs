using CsCheck;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.5, embeddings.npy: every row has unit L2 norm. The fast kernel
/// (<see cref="EmbeddingModel.Compose"/>, float32, 8-lane vectors) must agree with the plain double-precision reference
/// (<see cref="EmbeddingModel.ComposeReference"/>), whose rows have unit norm to double precision (the float64 file
/// itself is written and checked in RecSynth.Files).
/// </summary>
public sealed class EmbeddingCompositionTests
{
    private static readonly RecSynthOptions s_options = Scenario.Defaults();
    private static readonly CatalogModel s_catalog = new(s_options);
    private static readonly EmbeddingModel s_embeddings = new(s_options);

    /// <summary>Any product index, not just the first few: the model makes product i alone from (seed, i).</summary>
    private static readonly Gen<int> s_index = Gen.Int[0, int.MaxValue];

    [Fact]
    public void Every_fast_embedding_has_unit_norm() =>
        s_index.Sample(index =>
        {
            var vector = new float[s_embeddings.Dimensions];
            s_embeddings.Compose(s_catalog.CreateItem(index), vector);
            double norm = Math.Sqrt(vector.Sum(x => (double)x * x));

            // float32 rounding of 512 terms: each component carries a relative error of ~6e-8, the sum of squares a few 1e-7.
            Assert.True(Math.Abs(norm - 1) <= 1e-5, $"item_{index} has norm {norm:R}");
        }, iter: 1_000);

    [Fact]
    public void The_fast_kernel_agrees_with_the_reference_within_1e_5_per_component() =>
        s_index.Sample(index => AssertAgrees(s_catalog, s_embeddings, index), iter: 1_000);

    [Theory]
    [InlineData(240)]
    [InlineData(256)]
    [InlineData(1024)]
    public void The_fast_kernel_agrees_with_the_reference_at_other_lengths(int dimensions)
    {
        var options = s_options with { Embedding = s_options.Embedding with { Dimensions = dimensions } };
        Assert.Empty(options.Validate());
        var catalog = new CatalogModel(options);
        var embeddings = new EmbeddingModel(options);
        Assert.Equal(dimensions, embeddings.Dimensions);
        s_index.Sample(index => AssertAgrees(catalog, embeddings, index), iter: 100);
    }

    [Fact]
    public void Every_reference_embedding_has_unit_norm_to_1e_12() =>
        s_index.Sample(index =>
        {
            var vector = new double[s_embeddings.Dimensions];
            s_embeddings.ComposeReference(s_catalog.CreateItem(index), vector);
            double norm = Math.Sqrt(vector.Sum(x => x * x));
            Assert.True(Math.Abs(norm - 1) <= 1e-12, $"item_{index} has reference norm {norm:R}");
        }, iter: 500);

    [Fact]
    public void The_catalogue_hands_out_the_models_embedding()
    {
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        Assert.Equal(512, catalog.EmbeddingDimensions);
        var expected = new float[512];
        foreach (int index in new[] { 0, 1, 17, 999 })
        {
            s_embeddings.Compose(catalog.Items[index], expected);
            Assert.Equal(expected, catalog.GetEmbedding(index));
        }
    }

    [Fact]
    public void A_longer_destination_is_written_only_up_to_the_embedding_length()
    {
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        var destination = new float[600];
        Array.Fill(destination, float.NaN);
        catalog.GetEmbedding(3, destination);
        Assert.Equal(catalog.GetEmbedding(3), destination[..512]);
        Assert.All(destination[512..], x => Assert.True(float.IsNaN(x)));
    }

    [Fact]
    public void A_destination_shorter_than_an_embedding_is_refused()
    {
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        Assert.Throws<ArgumentException>(() => catalog.GetEmbedding(0, new float[511]));
    }

    private static void AssertAgrees(CatalogModel catalog, EmbeddingModel embeddings, int index)
    {
        var item = catalog.CreateItem(index);
        var fast = new float[embeddings.Dimensions];
        var reference = new double[embeddings.Dimensions];
        embeddings.Compose(item, fast);
        embeddings.ComposeReference(item, reference);
        for (int k = 0; k < fast.Length; k++)
        {
            if (!(Math.Abs(fast[k] - reference[k]) <= 1e-5))
            {
                Assert.Fail($"item_{index}, component {k}: fast {fast[k]:R}, reference {reference[k]:R}");
            }
        }
    }
}

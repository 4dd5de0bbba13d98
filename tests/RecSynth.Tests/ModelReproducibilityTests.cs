using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §8.1 at the model level: the same (seed, index) always gives the same product, user, embedding and
/// factors, whatever else is generated and on whatever thread; a different seed gives different ones.
/// </summary>
public sealed class ModelReproducibilityTests
{
    private static readonly RecSynthOptions s_options = Scenario.Defaults(products: 20_000, users: 20_000);

    [Fact]
    public void The_same_seed_and_index_give_the_same_product_user_embedding_and_factors()
    {
        var a = (Catalog: new CatalogModel(s_options), Users: new UserModel(s_options), Embeddings: new EmbeddingModel(s_options));
        var b = (Catalog: new CatalogModel(s_options), Users: new UserModel(s_options), Embeddings: new EmbeddingModel(s_options));
        foreach (int index in new[] { 0, 1, 4_095, 4_096, 19_999, 1_000_000, int.MaxValue })
        {
            var item = a.Catalog.CreateItem(index);
            Assert.Equal(item, b.Catalog.CreateItem(index));
            Assert.Equal(a.Users.CreateUser(index), b.Users.CreateUser(index));
            Assert.Equal(Embedding(a.Embeddings, item), Embedding(b.Embeddings, item));

            var fa = new float[32];
            var fb = new float[32];
            a.Catalog.Communities.ItemFactors(item, fa);
            b.Catalog.Communities.ItemFactors(item, fb);
            Assert.Equal(fa, fb);
        }
    }

    [Fact]
    public void A_different_seed_gives_different_products_users_and_embeddings()
    {
        var other = s_options with { Seed = 43 };
        var (catalogA, catalogB) = (new CatalogModel(s_options), new CatalogModel(other));
        var (usersA, usersB) = (new UserModel(s_options), new UserModel(other));
        var (embeddingsA, embeddingsB) = (new EmbeddingModel(s_options), new EmbeddingModel(other));

        // Two independent draws agree on price (to the cent), popularity (4 decimals) and listing time (to the
        // second) with negligible probability, so every one of 1,000 products must differ; same for users.
        int sameItems = Enumerable.Range(0, 1_000).Count(i => catalogA.CreateItem(i) == catalogB.CreateItem(i));
        int sameUsers = Enumerable.Range(0, 1_000).Count(i => usersA.CreateUser(i) == usersB.CreateUser(i));
        Assert.Equal(0, sameItems);
        Assert.Equal(0, sameUsers);

        // The same product under two seeds' prototypes and noise: unrelated vectors (cosine ≈ 0 ± 1/√512).
        var item = catalogA.CreateItem(7);
        double cosine = Embedding(embeddingsA, item).Zip(Embedding(embeddingsB, item), (x, y) => (double)x * y).Sum();
        Assert.True(Math.Abs(cosine) < 0.3, $"the same product under seeds 42 and 43 has embedding cosine {cosine}");
    }

    [Fact]
    public void Generating_in_parallel_equals_generating_one_by_one()
    {
        var catalog = ProductCatalog.Generate(s_options, TestContext.Current.CancellationToken);
        var population = UserPopulation.Generate(s_options, TestContext.Current.CancellationToken);
        var catalogModel = new CatalogModel(s_options);
        var userModel = new UserModel(s_options);
        var items = catalog.Items;
        var users = population.Users;
        for (int i = 0; i < s_options.Catalog.Count; i++)
        {
            if (items[i] != catalogModel.CreateItem(i))
            {
                Assert.Fail($"item_{i} differs: {items[i]} vs {catalogModel.CreateItem(i)}");
            }
        }

        for (int i = 0; i < s_options.Users.Count; i++)
        {
            if (users[i] != userModel.CreateUser(i))
            {
                Assert.Fail($"U{i} differs: {users[i]} vs {userModel.CreateUser(i)}");
            }
        }
    }

    [Fact]
    public void A_product_does_not_depend_on_how_many_are_generated_or_on_the_users()
    {
        var small = ProductCatalog.Generate(Scenario.Defaults(products: 1_000, users: 10), TestContext.Current.CancellationToken);
        var large = ProductCatalog.Generate(
            Scenario.Defaults(products: 9_000, users: 50_000).WithUsers(u => u with { JoinedDuringShare = 0.9, Drift = new DriftOptions { Share = 0.5 } }),
            TestContext.Current.CancellationToken);
        Assert.True(small.Items.SequenceEqual(large.Items[..1_000]));
        Assert.Equal(small.GetEmbedding(999), large.GetEmbedding(999));
        Assert.Equal(small.GetFactors(999), large.GetFactors(999));
    }

    [Fact]
    public void A_user_does_not_depend_on_how_many_are_generated_or_on_the_catalogue_size()
    {
        var small = UserPopulation.Generate(Scenario.Defaults(products: 10, users: 1_000), TestContext.Current.CancellationToken);
        var large = UserPopulation.Generate(Scenario.Defaults(products: 50_000, users: 9_000), TestContext.Current.CancellationToken);
        Assert.True(small.Users.SequenceEqual(large.Users[..1_000]));
        Assert.Equal(small.GetFactors(999), large.GetFactors(999));
    }

    [Fact]
    public void Embeddings_are_the_same_when_computed_in_parallel()
    {
        var catalog = ProductCatalog.Generate(Scenario.Defaults(products: 2_000), TestContext.Current.CancellationToken);
        float[][] sequential = [.. Enumerable.Range(0, 2_000).Select(catalog.GetEmbedding)];
        var parallel = new float[2_000][];
        Parallel.For(0, 2_000, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, i => parallel[i] = catalog.GetEmbedding(i));
        for (int i = 0; i < 2_000; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    private static float[] Embedding(EmbeddingModel model, Item item)
    {
        var vector = new float[model.Dimensions];
        model.Compose(item, vector);
        return vector;
    }
}

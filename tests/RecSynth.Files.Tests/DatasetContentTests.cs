using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Testing;
using RecSynth.Users;

namespace RecSynth.Files.Tests;

/// <summary>The files hold exactly the in-memory model: products.csv, users.csv, embeddings.npy and the factor files.</summary>
public sealed class DatasetContentTests(GeneratedDatasets datasets)
{
    [Fact]
    public void Products_csv_rows_equal_the_generated_catalog_in_every_column()
    {
        var dataset = datasets.Default;

        ExpectedRows.AssertCsv(dataset.File("products.csv"), ExpectedRows.ProductColumns, ExpectedRows.Products(dataset.Options));
    }

    [Fact]
    public void Users_csv_rows_equal_the_generated_users_in_every_column()
    {
        var dataset = datasets.Default;

        ExpectedRows.AssertCsv(dataset.File("users.csv"), ExpectedRows.UserColumns, ExpectedRows.Users(dataset.Options), jsonColumn: 5);
    }

    [Fact]
    public void Drifting_users_have_drift_at_and_cf_preference_after_in_users_csv()
    {
        using var temp = new TempDirectory("drift");
        var options = TestOptions.Small(200, 800) with { Users = new UserOptions { Count = 800, Drift = new DriftOptions { Share = 0.3 } } };
        DatasetGenerator.Generate(options, TestOptions.Output(temp.Sub("out"), stage: DatasetStage.Users), cancellationToken: TestContext.Current.CancellationToken);

        var expected = ExpectedRows.Users(options);
        ExpectedRows.AssertCsv(Path.Combine(temp.Sub("out"), "users.csv"), ExpectedRows.UserColumns, expected, jsonColumn: 5);
        int drifting = expected.Count(r => r[10].Length > 0);
        Assert.InRange(drifting, 160, 320); // about 30 % of 800
        Assert.All(expected.Where(r => r[10].Length > 0), r => Assert.NotEqual("", r[11]));
    }

    [Fact]
    public void Embeddings_npy_rows_equal_the_catalogs_embeddings()
    {
        var dataset = datasets.Default;
        var catalog = ProductCatalog.Generate(dataset.Options, TestContext.Current.CancellationToken);
        var npy = Npy.Read(dataset.File("embeddings.npy"));
        float[] values = npy.Floats();

        Assert.Equal("<f4", npy.Descr);
        Assert.False(npy.FortranOrder);
        Assert.Equal([3_000L, 512L], npy.Shape);
        Assert.Equal(3_000 * 512, values.Length);
        for (int i = 0; i < 3_000; i++)
        {
            float[] expected = catalog.GetEmbedding(i);
            Assert.True(expected.AsSpan().SequenceEqual(values.AsSpan(i * 512, 512)), $"row {i} differs from ProductCatalog.GetEmbedding({i})");
        }
    }

    [Fact]
    public void Float32_embeddings_have_unit_norm()
    {
        float[] values = Npy.Read(datasets.Default.File("embeddings.npy")).Floats();

        for (int i = 0; i < values.Length / 512; i++)
        {
            double norm = Math.Sqrt(values.AsSpan(i * 512, 512).ToArray().Sum(x => (double)x * x));
            Assert.True(Math.Abs(norm - 1) < 1e-5, $"row {i} has norm {norm}");
        }
    }

    [Fact]
    public void Float64_embeddings_have_unit_norm_and_match_the_float32_ones()
    {
        var npy = Npy.Read(datasets.Float64.File("embeddings.npy"));
        double[] doubles = npy.Doubles();
        float[] floats = Npy.Read(datasets.Default.File("embeddings.npy")).Floats();

        Assert.Equal([3_000L, 512L], npy.Shape);
        Assert.Equal(floats.Length, doubles.Length);
        for (int i = 0; i < 3_000; i++)
        {
            var row = doubles.AsSpan(i * 512, 512);
            double sum = 0;
            double furthest = 0;
            for (int k = 0; k < 512; k++)
            {
                sum += row[k] * row[k];
                furthest = Math.Max(furthest, Math.Abs(row[k] - floats[i * 512 + k]));
            }

            Assert.True(Math.Abs(Math.Sqrt(sum) - 1) <= 1e-12, $"row {i} has norm {Math.Sqrt(sum):R}");
            Assert.True(furthest <= 1e-6, $"row {i} is {furthest:R} from the float32 row");
        }
    }

    [Fact]
    public void Factor_files_have_the_right_shapes_and_equal_the_models_factors()
    {
        var dataset = datasets.Default;
        var catalog = ProductCatalog.Generate(dataset.Options, TestContext.Current.CancellationToken);
        var users = UserPopulation.Generate(dataset.Options, TestContext.Current.CancellationToken);
        var items = Npy.Read(dataset.File("item_factors.npy"));
        var userFactors = Npy.Read(dataset.File("user_factors.npy"));

        Assert.Equal([3_000L, 32L], items.Shape);
        Assert.Equal([1_000L, 32L], userFactors.Shape);
        float[] itemValues = items.Floats();
        float[] userValues = userFactors.Floats();
        Assert.Equal(3_000 * 32, itemValues.Length);
        Assert.Equal(1_000 * 32, userValues.Length);
        for (int i = 0; i < 3_000; i++)
        {
            Assert.True(catalog.GetFactors(i).AsSpan().SequenceEqual(itemValues.AsSpan(i * 32, 32)), $"item {i}");
        }

        for (int i = 0; i < 1_000; i++)
        {
            Assert.True(users.GetFactors(i).AsSpan().SequenceEqual(userValues.AsSpan(i * 32, 32)), $"user {i}");
        }
    }

    [Fact]
    public void Without_factors_write_no_factor_files_are_written()
    {
        Assert.False(File.Exists(datasets.Float64.File("item_factors.npy")));
        Assert.False(File.Exists(datasets.AwkwardNames.File("item_factors.npy")));
        Assert.False(File.Exists(datasets.AwkwardNames.File("user_factors.npy")));
        Assert.True(File.Exists(datasets.Default.File("item_factors.npy")));
    }
}

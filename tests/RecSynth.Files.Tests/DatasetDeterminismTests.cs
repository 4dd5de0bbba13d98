using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>docs/design.md §8: the same options and seed give byte-identical files, whatever the number of threads; another seed gives other data.</summary>
public sealed class DatasetDeterminismTests
{
    // Several CSV chunks (4,096 rows) and many embedding chunks, so that threads really interleave; two weeks of
    // behaviour give interactions.csv several of its 8,192-row chunks, and every user is simulated on each thread count.
    private static readonly RecSynthOptions Options = TestOptions.Dataset(5_000, 5_000, weeks: 2) with { Factors = new FactorOptions { Write = true } };

    [Fact]
    public void The_same_options_give_byte_identical_files_with_1_2_and_8_threads()
    {
        using var temp = new TempDirectory("threads");
        var snapshots = new[] { 1, 2, 8 }.Select(threads =>
        {
            string folder = temp.Sub("t" + threads);
            DatasetGenerator.Generate(Options, TestOptions.Output(folder, threads), cancellationToken: TestContext.Current.CancellationToken);
            return DatasetFiles.Snapshot(folder);
        }).ToList();

        Assert.Equal(
            ["embeddings.npy", "ground_truth.csv", "interactions.csv", "item_factors.npy", "manifest.json", "products.csv", "sessions.csv", "user_factors.npy", "users.csv"],
            snapshots[0].Keys);
        long interactions = DatasetFiles.Rows(Path.Combine(temp.Sub("t1"), "interactions.csv"));
        Assert.True(interactions > 2 * 8_192, $"only {interactions} interactions: too few for the writer's chunks to interleave");
        DatasetFiles.AssertSameSnapshot(snapshots[0], snapshots[1]);
        DatasetFiles.AssertSameSnapshot(snapshots[0], snapshots[2]);
    }

    [Fact]
    public void Another_seed_gives_different_products_embeddings_users_and_behaviour()
    {
        using var temp = new TempDirectory("seeds");
        var options = TestOptions.Dataset(1_000, 500);
        DatasetGenerator.Generate(options, TestOptions.Output(temp.Sub("a")), cancellationToken: TestContext.Current.CancellationToken);
        DatasetGenerator.Generate(options with { Seed = options.Seed + 1 }, TestOptions.Output(temp.Sub("b")), cancellationToken: TestContext.Current.CancellationToken);

        foreach (string file in new[] { "products.csv", "embeddings.npy", "users.csv", "interactions.csv", "sessions.csv", "ground_truth.csv" })
        {
            byte[] a = File.ReadAllBytes(Path.Combine(temp.Sub("a"), file));
            byte[] b = File.ReadAllBytes(Path.Combine(temp.Sub("b"), file));
            Assert.False(a.AsSpan().SequenceEqual(b), $"{file} is the same for seeds 42 and 43");
        }

        // Not just somewhere: most rows differ.
        var (_, rowsA) = ExpectedRows.ReadCsv(Path.Combine(temp.Sub("a"), "products.csv"));
        var (_, rowsB) = ExpectedRows.ReadCsv(Path.Combine(temp.Sub("b"), "products.csv"));
        Assert.True(rowsA.Zip(rowsB).Count(p => !p.First.SequenceEqual(p.Second)) > 900);
    }

    [Fact]
    public void The_seed_preset_gives_1000_products_and_11_users()
    {
        using var temp = new TempDirectory("seed-preset");
        string folder = temp.Sub("out");

        DatasetGenerator.Generate(RecSynthOptions.FromPreset(Preset.Seed), TestOptions.Output(folder), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1_000, ExpectedRows.ReadCsv(Path.Combine(folder, "products.csv")).Rows.Count);
        Assert.Equal(11, ExpectedRows.ReadCsv(Path.Combine(folder, "users.csv")).Rows.Count);
        var embeddings = Npy.Read(Path.Combine(folder, "embeddings.npy"));
        Assert.Equal([1_000L, 512L], embeddings.Shape);
        Assert.Equal(1_000 * 512 * 4, embeddings.Data.Length);
        Assert.Equal(
            [.. Enumerable.Range(0, 11).Select(i => $"U{i:D6}")],
            ExpectedRows.ReadCsv(Path.Combine(folder, "users.csv")).Rows.Select(r => r[0]));

        // And a year of behaviour for them: a row of ground truth per user, sessions of those users only.
        Assert.Equal(
            [.. Enumerable.Range(0, 11).Select(i => $"U{i:D6}")],
            ExpectedRows.ReadCsv(Path.Combine(folder, "ground_truth.csv")).Rows.Select(r => r[0]));
        var sessions = ExpectedRows.ReadCsv(Path.Combine(folder, "sessions.csv")).Rows;
        Assert.NotEmpty(sessions);
        Assert.All(sessions, r => Assert.Matches("^U0000(0[0-9]|10)$", r[1]));
        DatasetFiles.AssertMatchesManifest(folder);
    }
}

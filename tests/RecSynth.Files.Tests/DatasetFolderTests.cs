using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>Stages, and what Generate does with the output folder: refusals without force, replacement with it, and bad paths or options.</summary>
public sealed class DatasetFolderTests
{
    private static readonly RecSynthOptions Options = TestOptions.Small(1_000, 400);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string[] Entries(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_catalog_stage_writes_only_the_catalogue_files()
    {
        using var temp = new TempDirectory("stage");
        string folder = temp.Sub("out");

        var manifest = DatasetGenerator.Generate(Options, TestOptions.Output(folder, stage: DatasetStage.Catalog), cancellationToken: Token);

        Assert.Equal(["embeddings.npy", "manifest.json", "products.csv"], Entries(folder));
        Assert.Equal(["catalog"], manifest.Stages.Keys);
        DatasetFiles.AssertMatchesManifest(folder);
    }

    [Fact]
    public void A_stage_from_a_different_config_is_refused_next_to_the_other_and_the_folder_is_unchanged()
    {
        // The users' factors and style preferences refer to the catalogue's seed, communities and vocabulary: a users
        // stage made with another seed or communities next to an existing catalogue would be silently inconsistent.
        using var temp = new TempDirectory("stage");
        string folder = temp.Sub("out");
        DatasetGenerator.Generate(Options, TestOptions.Output(folder, stage: DatasetStage.Catalog), cancellationToken: Token);
        var before = DatasetFiles.Snapshot(folder);

        foreach (var other in new[] { Options with { Seed = Options.Seed + 1 }, Options with { Factors = new FactorOptions { Communities = 7 } } })
        {
            var e = Assert.Throws<DatasetUsageException>(() =>
                DatasetGenerator.Generate(other, TestOptions.Output(folder, stage: DatasetStage.Users), cancellationToken: Token));
            Assert.Contains("different config", e.Message, StringComparison.Ordinal);
            Assert.Contains(other.Seed != Options.Seed ? "seed" : "factors.communities", e.Message, StringComparison.Ordinal);
            DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(folder));
        }

        // Sizes may differ: a users stage of another size joins the catalogue.
        var manifest = DatasetGenerator.Generate(Options with { Users = Options.Users with { Count = 77 } }, TestOptions.Output(folder, stage: DatasetStage.Users), cancellationToken: Token);
        Assert.Equal(["catalog", "users"], manifest.Stages.Keys);
    }

    [Fact]
    public void The_users_stage_writes_only_the_users_files()
    {
        using var temp = new TempDirectory("stage");
        string folder = temp.Sub("out");

        var manifest = DatasetGenerator.Generate(Options with { Factors = new FactorOptions { Write = true } }, TestOptions.Output(folder, stage: DatasetStage.Users), cancellationToken: Token);

        Assert.Equal(["manifest.json", "user_factors.npy", "users.csv"], Entries(folder));
        Assert.Equal(["users"], manifest.Stages.Keys);
        DatasetFiles.AssertMatchesManifest(folder);
    }

    [Fact]
    public void Running_catalog_then_users_keeps_both_stages_and_equals_running_all()
    {
        using var temp = new TempDirectory("stage");
        string staged = temp.Sub("staged");
        string whole = temp.Sub("whole");

        DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Catalog), cancellationToken: Token);
        var manifest = DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Users), cancellationToken: Token);
        DatasetGenerator.Generate(Options, TestOptions.Output(whole), cancellationToken: Token);

        Assert.Equal(["catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(["embeddings.npy", "products.csv", "users.csv"], manifest.Files.Keys);
        DatasetFiles.AssertMatchesManifest(staged);
        var a = DatasetFiles.Snapshot(staged);
        var b = DatasetFiles.Snapshot(whole);
        foreach (string file in new[] { "embeddings.npy", "products.csv", "users.csv" })
        {
            Assert.Equal(b[file], a[file]);
        }

        // Even the manifest is the same bytes: the catalogue stage recorded by the first run is carried over unchanged.
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "manifest.json")), File.ReadAllBytes(Path.Combine(staged, "manifest.json")));
    }

    [Fact]
    public void A_non_empty_folder_that_is_not_a_dataset_is_refused_and_left_as_it_was()
    {
        using var temp = new TempDirectory("foreign");
        File.WriteAllText(temp.File("notes.txt"), "mine");
        Directory.CreateDirectory(temp.Sub("photos"));
        var before = DatasetFiles.Snapshot(temp.Path);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path), cancellationToken: Token));

        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void A_folder_with_a_foreign_manifest_is_refused_and_left_as_it_was()
    {
        using var temp = new TempDirectory("foreign");
        File.WriteAllText(temp.File("manifest.json"), "{\"tool\": \"something-else\"}");
        var before = DatasetFiles.Snapshot(temp.Path);

        Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path), cancellationToken: Token));

        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void With_force_a_non_empty_folder_receives_the_dataset()
    {
        using var temp = new TempDirectory("foreign");
        File.WriteAllText(temp.File("notes.txt"), "mine");

        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, force: true), cancellationToken: Token);

        Assert.Equal(["embeddings.npy", "manifest.json", "notes.txt", "products.csv", "users.csv"], Entries(temp.Path));
        Assert.Equal("mine", File.ReadAllText(temp.File("notes.txt")));
    }

    [Theory]
    [InlineData(DatasetStage.All)]
    [InlineData(DatasetStage.Catalog)]
    [InlineData(DatasetStage.Users)]
    public void Rerunning_a_stage_that_exists_is_refused_without_force(DatasetStage stage)
    {
        using var temp = new TempDirectory("rerun");
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path), cancellationToken: Token);
        var before = DatasetFiles.Snapshot(temp.Path);

        var error = Assert.Throws<DatasetUsageException>(() =>
            DatasetGenerator.Generate(Options with { Seed = 7 }, TestOptions.Output(temp.Path, stage: stage), cancellationToken: Token));

        Assert.Contains("already holds", error.Message, StringComparison.Ordinal);
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void With_force_a_rerun_replaces_the_stages_files()
    {
        using var temp = new TempDirectory("rerun");
        using var reference = new TempDirectory("reference");
        DatasetGenerator.Generate(Options with { Factors = new FactorOptions { Write = true } }, TestOptions.Output(temp.Path), cancellationToken: Token);
        DatasetGenerator.Generate(Options with { Seed = 7 }, TestOptions.Output(reference.Path), cancellationToken: Token);

        var manifest = DatasetGenerator.Generate(Options with { Seed = 7 }, TestOptions.Output(temp.Path, force: true), cancellationToken: Token);

        // The factor files of the first run are not part of the new dataset: they are gone, not left stale.
        Assert.Equal(["embeddings.npy", "manifest.json", "products.csv", "users.csv"], Entries(temp.Path));
        Assert.Equal(7, manifest.Stages["catalog"].Seed);
        DatasetFiles.AssertMatchesManifest(temp.Path);
        DatasetFiles.AssertSameSnapshot(DatasetFiles.Snapshot(reference.Path), DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void With_force_rerunning_one_stage_keeps_the_other()
    {
        using var temp = new TempDirectory("rerun");
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path), cancellationToken: Token);
        byte[] products = File.ReadAllBytes(temp.File("products.csv"));
        byte[] users = File.ReadAllBytes(temp.File("users.csv"));

        var manifest = DatasetGenerator.Generate(Options with { Users = Options.Users with { Count = 123 } }, TestOptions.Output(temp.Path, stage: DatasetStage.Users, force: true), cancellationToken: Token);

        Assert.Equal(products, File.ReadAllBytes(temp.File("products.csv")));
        Assert.NotEqual(users, File.ReadAllBytes(temp.File("users.csv")));
        Assert.Equal((Options.Catalog.Count, 123L), (manifest.Stages["catalog"].Counts["products"], manifest.Stages["users"].Counts["users"]));
        DatasetFiles.AssertMatchesManifest(temp.Path);
    }

    [Fact]
    public void An_output_path_under_a_regular_file_is_an_io_error_and_creates_nothing()
    {
        using var temp = new TempDirectory("file-parent");
        File.WriteAllText(temp.File("plain"), "x");
        var before = DatasetFiles.Snapshot(temp.Path);

        Assert.ThrowsAny<IOException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(Path.Combine(temp.File("plain"), "out")), cancellationToken: Token));

        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_refused()
    {
        using var temp = new TempDirectory("file-output");
        File.WriteAllText(temp.File("plain"), "x");

        Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(temp.File("plain")), cancellationToken: Token));

        Assert.Equal("x", File.ReadAllText(temp.File("plain")));
    }

    [Fact]
    public void Invalid_options_are_an_options_error_before_anything_is_written()
    {
        using var temp = new TempDirectory("invalid");
        string folder = temp.Sub("out");
        var invalid = Options with { Catalog = Options.Catalog with { Count = 0 }, Embedding = new EmbeddingOptions { Dimensions = 100 } };

        var error = Assert.Throws<OptionsException>(() => DatasetGenerator.Generate(invalid, TestOptions.Output(folder), cancellationToken: Token));

        Assert.Contains(error.Problems, p => p.KeyPath == "catalog.count");
        Assert.Contains(error.Problems, p => p.KeyPath == "embedding.dimensions");
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_time_window_that_lists_products_before_year_1_is_an_options_error_before_anything_is_written()
    {
        // Validation accepts this window, but products listed up to 365 days before a start in February of year 1
        // get timestamps RFC 3339 cannot write, and the run dies halfway with an ArgumentOutOfRangeException.
        using var temp = new TempDirectory("year-one");
        string folder = temp.Sub("out");
        var options = Options with { Time = new TimeWindowOptions { Start = new DateTimeOffset(1, 2, 1, 0, 0, 0, TimeSpan.Zero), End = new DateTimeOffset(1, 12, 1, 0, 0, 0, TimeSpan.Zero) } };

        Assert.Throws<OptionsException>(() => DatasetGenerator.Generate(options, TestOptions.Output(folder), cancellationToken: Token));

        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    public void A_thread_count_out_of_range_is_an_options_error(int threads)
    {
        using var temp = new TempDirectory("threads");
        string folder = temp.Sub("out");

        var error = Assert.Throws<OptionsException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(folder, threads), cancellationToken: Token));

        Assert.Equal("--threads", Assert.Single(error.Problems).KeyPath);
        Assert.False(Directory.Exists(folder));
    }
}

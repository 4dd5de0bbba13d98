using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>Stages, and what Generate does with the output folder: refusals without force, replacement with it, and bad paths or options.</summary>
public sealed class DatasetFolderTests(DatasetFolderTests.Whole whole) : IClassFixture<DatasetFolderTests.Whole>
{
    // Every stage; two weeks of behaviour keep the runs that write all of them fast.
    private static readonly RecSynthOptions Options = TestOptions.Dataset(1_000, 400);

    /// <summary>Every stage of <see cref="Options"/>, generated once for the class: tests copy it, never change it.</summary>
    public sealed class Whole : IDisposable
    {
        private readonly TempDirectory _root = new("whole");

        public Whole()
        {
            Folder = _root.Sub("data");
            DatasetGenerator.Generate(Options, TestOptions.Output(Folder), cancellationToken: CancellationToken.None);
        }

        public string Folder { get; }

        /// <summary>A copy of the dataset in <paramref name="folder"/> (which must not exist or be empty), as a fresh run would leave it.</summary>
        public void CopyTo(string folder)
        {
            DatasetFiles.Copy(Folder, folder);
            DatasetFiles.AssertMatchesManifest(folder);
        }

        public void Dispose() => _root.Dispose();
    }

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
    public void Running_catalog_then_users_then_behaviour_keeps_the_stages_and_equals_running_all()
    {
        using var temp = new TempDirectory("stage");
        string staged = temp.Sub("staged");

        DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Catalog), cancellationToken: Token);
        var manifest = DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Users), cancellationToken: Token);

        Assert.Equal(["catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(["embeddings.npy", "products.csv", "users.csv"], manifest.Files.Keys);
        DatasetFiles.AssertMatchesManifest(staged);
        var beforeBehaviour = DatasetFiles.Snapshot(staged);

        // The behaviour stage simulates on the catalogue and users already in the folder, and leaves their files be.
        manifest = DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Behaviour), cancellationToken: Token);

        Assert.Equal(["behaviour", "catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(DatasetFiles.All, manifest.Files.Keys);
        DatasetFiles.AssertMatchesManifest(staged);
        var a = DatasetFiles.Snapshot(staged);
        var b = DatasetFiles.Snapshot(whole.Folder);
        foreach (string file in DatasetFiles.CatalogAndUsers)
        {
            Assert.Equal(beforeBehaviour[file], a[file]);
        }

        foreach (string file in DatasetFiles.All)
        {
            Assert.Equal(b[file], a[file]);
        }

        // Even the manifest is the same bytes: the stages recorded by the earlier runs are carried over unchanged.
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Folder, "manifest.json")), File.ReadAllBytes(Path.Combine(staged, "manifest.json")));

        // A new catalogue makes the behaviour simulated on the old one stale: its files and its stage go.
        var resized = Options with { Catalog = Options.Catalog with { Count = 900 } };
        manifest = DatasetGenerator.Generate(resized, TestOptions.Output(staged, stage: DatasetStage.Catalog, force: true), cancellationToken: Token);

        Assert.Equal(["catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(["embeddings.npy", "manifest.json", "products.csv", "users.csv"], Entries(staged));
        Assert.Equal(900, manifest.Stages["catalog"].Counts["products"]);
        Assert.Equal(a["users.csv"], File.ReadAllBytes(Path.Combine(staged, "users.csv")));
        DatasetFiles.AssertMatchesManifest(staged);

        // And the behaviour stage runs again on the new catalogue.
        manifest = DatasetGenerator.Generate(Options, TestOptions.Output(staged, stage: DatasetStage.Behaviour), cancellationToken: Token);

        Assert.Equal(["behaviour", "catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(900, manifest.Stages["catalog"].Counts["products"]);
        DatasetFiles.AssertMatchesManifest(staged);
    }

    [Fact]
    public void The_behaviour_stage_needs_a_dataset_with_the_catalogue_and_the_users()
    {
        using var temp = new TempDirectory("stage");
        string folder = temp.Sub("out");

        // No folder, then a folder with a catalogue only: refused, nothing created or changed.
        var none = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(folder, stage: DatasetStage.Behaviour), cancellationToken: Token));
        Assert.Contains("no manifest.json", none.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));

        DatasetGenerator.Generate(Options, TestOptions.Output(folder, stage: DatasetStage.Catalog), cancellationToken: Token);
        var before = DatasetFiles.Snapshot(folder);

        var noUsers = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(folder, stage: DatasetStage.Behaviour), cancellationToken: Token));
        Assert.Contains("no users stage", noUsers.Message, StringComparison.Ordinal);
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(folder));
    }

    [Fact]
    public void The_behaviour_stage_refuses_a_catalogue_or_users_file_changed_after_it_was_generated()
    {
        using var temp = new TempDirectory("stage");
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Catalog), cancellationToken: Token);
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Users), cancellationToken: Token);
        string users = File.ReadAllText(temp.File("users.csv"));
        File.WriteAllText(temp.File("users.csv"), users.Replace("U000001,", "U000001x,", StringComparison.Ordinal));
        var before = DatasetFiles.Snapshot(temp.Path);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Behaviour), cancellationToken: Token));

        Assert.Contains("users.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not match the manifest", error.Message, StringComparison.Ordinal);
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void The_behaviour_stage_takes_the_world_from_the_folder_and_only_the_behaviour_and_seed_from_the_caller()
    {
        using var temp = new TempDirectory("stage");
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Catalog), cancellationToken: Token);
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Users), cancellationToken: Token);
        var world = DatasetFiles.Snapshot(temp.Path);

        // Other sizes, another period and vocabulary: all ignored, the folder's catalogue and users are simulated.
        var caller = new RecSynthOptions
        {
            Seed = 7,
            Time = TestOptions.Weeks(30),
            Catalog = new CatalogOptions { Count = 5, Sizes = [new("One size", 1)] },
            Users = new UserOptions { Count = 3 },
            Behaviour = new BehaviourOptions { Policy = "fixed:cf" },
        };
        var manifest = DatasetGenerator.Generate(caller, TestOptions.Output(temp.Path, stage: DatasetStage.Behaviour), cancellationToken: Token);

        foreach (string file in DatasetFiles.CatalogAndUsers)
        {
            Assert.True(world[file].AsSpan().SequenceEqual(File.ReadAllBytes(temp.File(file))), $"{file} changed");
        }

        Assert.Equal((42L, 42L, 7L), (manifest.Stages["catalog"].Seed, manifest.Stages["users"].Seed, manifest.Stages["behaviour"].Seed));
        using var written = DatasetFiles.Manifest(temp.Path);
        var config = System.Text.Json.Nodes.JsonNode.Parse(written.RootElement.GetProperty("stages").GetProperty("behaviour").GetProperty("config").GetRawText())!.AsObject();
        var recorded = RecSynth.Files.Config.OptionsJson.FromJson(config, "manifest.json");
        OptionsEquality.AssertEqual(Options with { Seed = 7, Behaviour = caller.Behaviour }, recorded);
        Assert.Equal(400, DatasetFiles.Rows(temp.File("ground_truth.csv")));
        var (header, sessions) = ExpectedRows.ReadCsv(temp.File("sessions.csv"));
        Assert.NotEmpty(sessions);
        Assert.All(sessions, r => Assert.Equal(("fixed:cf", "cf"), (r[Array.IndexOf(header, "Policy")], r[Array.IndexOf(header, "Arm")])));
        long end = Options.Time.End.ToUnixTimeSeconds();
        Assert.All(sessions, r => Assert.True(DateTimeOffset.Parse(r[Array.IndexOf(header, "StartedAt")], System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds() < end, $"session {r[0]} after the folder's period"));
        DatasetFiles.AssertMatchesManifest(temp.Path);
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

        Assert.Equal(["embeddings.npy", "ground_truth.csv", "interactions.csv", "manifest.json", "notes.txt", "products.csv", "sessions.csv", "users.csv"], Entries(temp.Path));
        Assert.Equal("mine", File.ReadAllText(temp.File("notes.txt")));
    }

    [Theory]
    [InlineData(DatasetStage.All)]
    [InlineData(DatasetStage.Catalog)]
    [InlineData(DatasetStage.Users)]
    [InlineData(DatasetStage.Behaviour)]
    public void Rerunning_a_stage_that_exists_is_refused_without_force(DatasetStage stage)
    {
        using var temp = new TempDirectory("rerun");
        whole.CopyTo(temp.Path);
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
        Assert.Equal(["embeddings.npy", "ground_truth.csv", "interactions.csv", "manifest.json", "products.csv", "sessions.csv", "users.csv"], Entries(temp.Path));
        Assert.Equal(7, manifest.Stages["behaviour"].Seed);
        Assert.Equal(7, manifest.Stages["catalog"].Seed);
        DatasetFiles.AssertMatchesManifest(temp.Path);
        DatasetFiles.AssertSameSnapshot(DatasetFiles.Snapshot(reference.Path), DatasetFiles.Snapshot(temp.Path));
    }

    [Fact]
    public void With_force_rerunning_one_stage_keeps_the_other_and_drops_the_behaviour_simulated_on_it()
    {
        using var temp = new TempDirectory("rerun");
        whole.CopyTo(temp.Path);
        byte[] products = File.ReadAllBytes(temp.File("products.csv"));
        byte[] users = File.ReadAllBytes(temp.File("users.csv"));

        var manifest = DatasetGenerator.Generate(Options with { Users = Options.Users with { Count = 123 } }, TestOptions.Output(temp.Path, stage: DatasetStage.Users, force: true), cancellationToken: Token);

        Assert.Equal(products, File.ReadAllBytes(temp.File("products.csv")));
        Assert.NotEqual(users, File.ReadAllBytes(temp.File("users.csv")));
        Assert.Equal((Options.Catalog.Count, 123L), (manifest.Stages["catalog"].Counts["products"], manifest.Stages["users"].Counts["users"]));

        // The behaviour was simulated on the old users: it is gone, not left stale.
        Assert.Equal(["catalog", "users"], manifest.Stages.Keys);
        Assert.Equal(["embeddings.npy", "manifest.json", "products.csv", "users.csv"], Entries(temp.Path));
        DatasetFiles.AssertMatchesManifest(temp.Path);
    }

    [Fact]
    public void With_force_rerunning_the_behaviour_stage_keeps_the_catalogue_and_users()
    {
        using var temp = new TempDirectory("rerun");
        whole.CopyTo(temp.Path);
        var before = DatasetFiles.Snapshot(temp.Path);

        var manifest = DatasetGenerator.Generate(Options with { Seed = 7 }, TestOptions.Output(temp.Path, stage: DatasetStage.Behaviour, force: true), cancellationToken: Token);

        var after = DatasetFiles.Snapshot(temp.Path);
        Assert.Equal(before.Keys, after.Keys);
        foreach (string file in DatasetFiles.CatalogAndUsers)
        {
            Assert.True(before[file].AsSpan().SequenceEqual(after[file]), $"{file} changed");
        }

        Assert.False(before["sessions.csv"].AsSpan().SequenceEqual(after["sessions.csv"]), "sessions.csv is the same with seed 7");
        Assert.Equal((42L, 42L, 7L), (manifest.Stages["catalog"].Seed, manifest.Stages["users"].Seed, manifest.Stages["behaviour"].Seed));
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

        Assert.Equal("run.threads", Assert.Single(error.Problems).KeyPath); // the library names option paths; the CLI maps them to --threads
        Assert.False(Directory.Exists(folder));
    }
}

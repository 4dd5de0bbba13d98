using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>Cancelling a run leaves the folder as it was: a new folder is removed, an existing dataset is untouched, no staging folder remains.</summary>
public sealed class DatasetCancellationTests(DatasetCancellationTests.Existing existing) : IClassFixture<DatasetCancellationTests.Existing>
{
    // Every stage, with two weeks of behaviour: cancelling at each of its progress reports stays cheap.
    internal static readonly RecSynthOptions Options = TestOptions.Dataset(4_000, 1_000, weeks: 2) with { Factors = new FactorOptions { Write = true } };

    // The existing dataset differs from what the rerun would write by its sizes only (stages of one dataset must share the rest).
    internal static readonly RecSynthOptions Resized = Options with
    {
        Catalog = Options.Catalog with { Count = Options.Catalog.Count + 7 },
        Users = Options.Users with { Count = Options.Users.Count + 7 },
    };

    /// <summary>
    /// Generated once for the class: the existing dataset (every stage of <see cref="Resized"/>), which each test copies
    /// into its own folder, and the progress reports of a whole run of <see cref="Options"/>.
    /// </summary>
    public sealed class Existing : IDisposable
    {
        private readonly TempDirectory _root = new("cancel-existing");

        public Existing()
        {
            Folder = _root.Sub("resized");
            DatasetGenerator.Generate(Resized, TestOptions.Output(Folder), cancellationToken: CancellationToken.None);
            var reports = new System.Collections.Concurrent.ConcurrentQueue<GenerationProgress>();
            DatasetGenerator.Generate(Options, TestOptions.Output(_root.Sub("reference")), new CallbackProgress(reports.Enqueue), CancellationToken.None);
            Reports = [.. reports];
        }

        /// <summary>A complete dataset of <see cref="Resized"/>: copy it, do not change it.</summary>
        public string Folder { get; }

        /// <summary>What a whole, uncancelled run of <see cref="Options"/> reports.</summary>
        public IReadOnlyList<GenerationProgress> Reports { get; }

        public void Dispose() => _root.Dispose();
    }

    /// <summary>Runs Generate, cancelling from the progress callback at the <paramref name="cancelAt"/>-th report.</summary>
    private static (OperationCanceledException Error, int Reports) GenerateAndCancel(string folder, DatasetStage stage, int cancelAt, bool force = false)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        int reports = 0;
        var progress = new CallbackProgress(_ =>
        {
            if (Interlocked.Increment(ref reports) == cancelAt)
            {
                cancel.Cancel();
            }
        });

        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
            DatasetGenerator.Generate(Options, TestOptions.Output(folder, threads: 2, stage: stage, force: force), progress, cancel.Token));
        return (error, reports);
    }

    [Theory]
    [InlineData(DatasetStage.All, 1)]
    [InlineData(DatasetStage.All, 4)]
    [InlineData(DatasetStage.Users, 1)]
    public void Cancelling_into_a_new_folder_removes_it(DatasetStage stage, int cancelAt)
    {
        using var temp = new TempDirectory("cancel");
        string folder = temp.Sub("out");

        var (_, reports) = GenerateAndCancel(folder, stage, cancelAt);

        Assert.True(reports >= cancelAt);
        Assert.False(Directory.Exists(folder), "the new folder was left behind");
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData(DatasetStage.All, 1)]
    [InlineData(DatasetStage.All, 6)]
    [InlineData(DatasetStage.Catalog, 2)]
    [InlineData(DatasetStage.Users, 1)]
    [InlineData(DatasetStage.Behaviour, 1)]
    [InlineData(DatasetStage.Behaviour, 3)]
    public void Cancelling_a_forced_rerun_leaves_the_existing_dataset_untouched(DatasetStage stage, int cancelAt)
    {
        using var temp = new TempDirectory("cancel");
        DatasetFiles.Copy(existing.Folder, temp.Path);
        DatasetFiles.AssertMatchesManifest(temp.Path);
        var before = DatasetFiles.Snapshot(temp.Path);

        GenerateAndCancel(temp.Path, stage, cancelAt, force: true);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, ".recsynth-staging")), "the staging folder was left behind");
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
        DatasetFiles.AssertMatchesManifest(temp.Path);
    }

    [Fact]
    public void Cancelling_at_any_progress_report_leaves_the_existing_dataset_untouched()
    {
        using var temp = new TempDirectory("cancel");
        DatasetFiles.Copy(existing.Folder, temp.Path);
        var before = DatasetFiles.Snapshot(temp.Path);
        var reports = existing.Reports;
        int total = reports.Count;

        Assert.True(total >= 10, $"only {total} progress reports: " + string.Join(", ", reports.Select(r => $"{r.File} {r.Done}/{r.Total}")));
        Assert.True(reports.Count(r => r.File == "behaviour") >= 3, "no behaviour reports to cancel at: " + string.Join(", ", reports.Select(r => r.File).Distinct()));
        for (int cancelAt = 1; cancelAt <= total; cancelAt++)
        {
            GenerateAndCancel(temp.Path, DatasetStage.All, cancelAt, force: true);

            Assert.False(Directory.Exists(Path.Combine(temp.Path, ".recsynth-staging")), $"staging folder left after cancelling at report {cancelAt}");
            DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
        }
    }

    [Fact]
    public void Cancelling_the_users_stage_next_to_a_catalogue_leaves_the_catalogue_untouched()
    {
        using var temp = new TempDirectory("cancel");
        DatasetGenerator.Generate(Options, TestOptions.Output(temp.Path, stage: DatasetStage.Catalog), cancellationToken: TestContext.Current.CancellationToken);
        var before = DatasetFiles.Snapshot(temp.Path);

        GenerateAndCancel(temp.Path, DatasetStage.Users, cancelAt: 1);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, ".recsynth-staging")));
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(temp.Path));
        DatasetFiles.AssertMatchesManifest(temp.Path);
    }

    [Fact]
    public void A_token_cancelled_before_the_start_writes_nothing()
    {
        using var temp = new TempDirectory("cancel");
        string folder = temp.Sub("out");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => DatasetGenerator.Generate(Options, TestOptions.Output(folder), cancellationToken: cancel.Token));

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_staging_folder_left_by_a_killed_run_is_cleared_by_the_next_run()
    {
        using var temp = new TempDirectory("cancel");
        Directory.CreateDirectory(Path.Combine(temp.Path, ".recsynth-staging"));
        File.WriteAllText(Path.Combine(temp.Path, ".recsynth-staging", "products.csv"), "half a file");

        DatasetGenerator.Generate(TestOptions.Dataset(300, 50), TestOptions.Output(temp.Path), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, ".recsynth-staging")));
        DatasetFiles.AssertMatchesManifest(temp.Path);
    }
}

using System.Globalization;
using DuckDB.NET.Data;
using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Issue 14 §2: <c>generate --stage behaviour --shard k/n</c> on a folder with the catalogue and users writes shard k's
/// part of each behaviour table (<c>interactions/part-k.parquet</c>, …) next to them, so the folder reads as one
/// dataset without a merge: a glob over the parts gives exactly the rows of the unsharded run. The small preset in
/// three shards: the first alone (it builds and keeps the catalogue-side work), then two at the same time into the one
/// folder (they load it).
/// </summary>
public sealed class ShardPartsTests : IClassFixture<ShardPartsTests.Runs>
{
    private static readonly string[] Tables = ["interactions", "sessions", "ground_truth"];
    private readonly Runs _runs;

    public ShardPartsTests(Runs runs) => _runs = runs;

    [Fact]
    public void DuckDB_reads_the_parquet_parts_as_one_table_with_the_unsharded_runs_rows()
    {
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string parts = Path.Combine(_runs.Parts, "interactions", "*.parquet");
        string whole = Path.Combine(_runs.Whole, "interactions.parquet");

        // The issue's own query, on the parts and on the unsharded file.
        var (rows, users) = DuckDb.Query(db, $"SELECT count(*), count(DISTINCT UserId) FROM read_parquet('{parts}')", r => (r.GetInt64(0), r.GetInt64(1))).Single();
        var (wholeRows, wholeUsers) = DuckDb.Query(db, $"SELECT count(*), count(DISTINCT UserId) FROM read_parquet('{whole}')", r => (r.GetInt64(0), r.GetInt64(1))).Single();
        Assert.Equal(wholeRows, rows);
        Assert.Equal(wholeUsers, users);
        Assert.True(rows > 100_000, $"only {rows} interactions: the small preset should give far more");

        // Every table: the same rows, not only as many (EXCEPT ALL both ways is empty).
        foreach (string table in Tables)
        {
            string a = $"read_parquet('{Path.Combine(_runs.Parts, table, "*.parquet")}')";
            string b = $"read_parquet('{Path.Combine(_runs.Whole, table + ".parquet")}')";
            long differ = DuckDb.Query(db, $"SELECT (SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})) + (SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a}))", r => r.GetInt64(0)).Single();
            Assert.Equal(0, differ);
        }
    }

    [Fact]
    public void Pandas_reads_the_csv_parts_as_one_table_with_the_unsharded_runs_rows()
    {
        const string script = """
            import glob, sys
            import pandas as pd
            parts, whole = sys.argv[1], sys.argv[2]
            for table in ("interactions", "sessions", "ground_truth"):
                a = pd.concat([pd.read_csv(p) for p in sorted(glob.glob(f"{parts}/{table}/*.csv"))], ignore_index=True)
                b = pd.read_csv(f"{whole}/{table}.csv")
                key = list(b.columns)
                a = a.sort_values(key).reset_index(drop=True)
                b = b.sort_values(key).reset_index(drop=True)
                pd.testing.assert_frame_equal(a, b)
                print(table, len(a), a["UserId"].nunique())
            """;
        string output = Python.Run(script, _runs.Parts, _runs.Whole);
        Assert.Contains("interactions ", output, StringComparison.Ordinal);
        Assert.Contains("ground_truth 5000 5000", output, StringComparison.Ordinal); // the small preset's 5,000 users, one row each
    }

    [Fact]
    public void Each_part_has_its_manifest_with_its_shard_counts_and_hashes_and_the_counts_add_up()
    {
        var wholeCounts = DatasetManifest.Read(Path.Combine(_runs.Whole, DatasetManifest.FileName)).Stages["behaviour"].Counts;
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int k = 0; k < 3; k++)
        {
            var manifest = DatasetManifest.Read(Path.Combine(_runs.Parts, "shards", $"part-{k:D5}.json"));
            var stage = manifest.Stages["behaviour"];
            Assert.Equal($"{k}/3", stage.Shard);
            Assert.Equal(
                Tables.SelectMany(t => new[] { $"{t}/part-{k:D5}.csv", $"{t}/part-{k:D5}.parquet" }).Order(StringComparer.Ordinal),
                manifest.Files.Keys);
            foreach (var (file, entry) in manifest.Files)
            {
                Assert.Equal(entry.Sha256, DatasetFiles.Sha256(Path.Combine(_runs.Parts, file)));
            }

            foreach (var (name, count) in stage.Counts)
            {
                sums[name] = sums.GetValueOrDefault(name) + count;
            }
        }

        Assert.Equal(wholeCounts, new SortedDictionary<string, long>(sums, StringComparer.Ordinal));

        // The folder's own manifest is the catalogue and users', untouched by the shards; no staging folder is left.
        var top = DatasetManifest.Read(Path.Combine(_runs.Parts, DatasetManifest.FileName));
        Assert.Equal(["catalog", "users"], top.Stages.Keys);
        Assert.Empty(Directory.GetDirectories(_runs.Parts, ".recsynth-staging*"));

        // The first shard kept the catalogue-side work (neighbour lists, CF pools) for the others: one file each, no
        // temporary file left. (The rows the others wrote on it are checked against the unsharded run above.)
        string[] sources = [.. Directory.GetFiles(Path.Combine(_runs.Parts, "sources")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(2, sources.Length);
        Assert.StartsWith("cf-pools-", sources[0], StringComparison.Ordinal);
        Assert.StartsWith("image-neighbours-", sources[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_read_the_parts_as_the_unsharded_tables_and_a_missing_part_is_named()
    {
        var token = TestContext.Current.CancellationToken;
        var whole = DatasetStats.Compute(_runs.Whole, token);
        var parts = DatasetStats.Compute(_runs.Parts, token);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(whole), System.Text.Json.JsonSerializer.Serialize(parts));
        Assert.True(parts.Interactions > 100_000, $"{parts.Interactions} interactions read from the parts");
        Assert.Equal(
            [.. Enumerable.Range(0, 3).Select(k => $"interactions/part-{k:D5}.csv")],
            DatasetReader.TableFiles(_runs.Parts, DatasetReader.InteractionsFile));

        // Without part 1's manifest (its shard not finished), every reader says which part is missing.
        using var temp = new TempDirectory("parts-missing");
        string copy = temp.Sub("copy");
        foreach (string file in Directory.GetFiles(_runs.Parts, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("part-00001.json", StringComparison.Ordinal)))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(_runs.Parts, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var error = Assert.Throws<DatasetUsageException>(() => DatasetStats.Compute(copy, token));
        Assert.Contains("2 of the 3 parts", error.Message, StringComparison.Ordinal);
        Assert.Contains("part 1 is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("--shard 1/3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_of_another_run_or_the_same_part_again_is_refused_and_nothing_changes()
    {
        var token = TestContext.Current.CancellationToken;
        var before = DatasetFiles.Snapshot(_runs.Parts);

        // Another number of shards: its rows would overlap the parts' users.
        var other = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(
            Runs.Options, Runs.Part(_runs.Parts, new DatasetShard(1, 4)), cancellationToken: token));
        Assert.Contains("another run", other.Message, StringComparison.Ordinal);
        Assert.Contains("4", other.Message, StringComparison.Ordinal);

        // Another seed, same shards.
        var seed = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(
            Runs.Options with { Seed = 7 }, Runs.Part(_runs.Parts, new DatasetShard(1, 3)), cancellationToken: token));
        Assert.Contains("seed", seed.Message, StringComparison.Ordinal);

        // The same part again, without force.
        var again = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(
            Runs.Options, Runs.Part(_runs.Parts, new DatasetShard(1, 3)), cancellationToken: token));
        Assert.Contains("already holds part 1", again.Message, StringComparison.Ordinal);
        Assert.Contains("--force", again.Message, StringComparison.Ordinal);

        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(_runs.Parts));
    }

    /// <summary>The small preset, unsharded in one folder and in three parts in another (CSV and Parquet both).</summary>
    public sealed class Runs : IDisposable
    {
        internal static readonly RecSynthOptions Options = RecSynthOptions.FromPreset(Preset.Small);
        private readonly TempDirectory _temp = new("shard-parts");

        public Runs()
        {
            Whole = _temp.Sub("whole");
            Parts = _temp.Sub("parts");
            var both = DatasetFormats.Csv | DatasetFormats.Parquet;
            DatasetGenerator.Generate(Options, TestOptions.Output(Whole) with { Formats = both });
            DatasetGenerator.Generate(Options, TestOptions.Output(Parts, stage: DatasetStage.Catalog) with { Formats = both });
            DatasetGenerator.Generate(Options, TestOptions.Output(Parts, stage: DatasetStage.Users) with { Formats = both });

            // Shard 2 first; then 0 and 1 at the same time, into the one folder, a thread each.
            DatasetGenerator.Generate(Options, Part(Parts, new DatasetShard(2, 3)));
            Parallel.Invoke(
                () => DatasetGenerator.Generate(Options, Part(Parts, new DatasetShard(0, 3)) with { Threads = 1 }),
                () => DatasetGenerator.Generate(Options, Part(Parts, new DatasetShard(1, 3)) with { Threads = 1 }));
        }

        public string Whole { get; }

        public string Parts { get; }

        internal static GenerateOptions Part(string folder, DatasetShard shard) =>
            TestOptions.Output(folder, stage: DatasetStage.Behaviour) with { Shard = shard, Formats = DatasetFormats.Csv | DatasetFormats.Parquet };

        public void Dispose() => _temp.Dispose();
    }
}

using System.Globalization;
using DuckDB.NET.Data;
using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Issue 3 §6: <c>--format parquet</c> writes every table as Parquet, alongside or instead of CSV; DuckDB reads the
/// Parquet files with the documented column types and gets the same rows as from the CSV files read with those types.
/// </summary>
public sealed class ParquetTests : IClassFixture<ParquetTests.Both>
{
    // The documented columns and types of each table (README, "Files and columns"), in DuckDB's names. Ground
    // truth's Reward*/StdErr* columns depend on the blend levels; they are doubles.
    private static readonly Dictionary<string, (string Column, string Type)[]> Documented = new(StringComparer.Ordinal)
    {
        ["products"] =
        [
            ("item_id", "VARCHAR"), ("category", "VARCHAR"), ("subcategory", "VARCHAR"), ("style", "VARCHAR"), ("color", "VARCHAR"),
            ("pattern", "VARCHAR"), ("material", "VARCHAR"), ("brand", "VARCHAR"), ("condition", "VARCHAR"), ("size", "VARCHAR"),
            ("price", "DOUBLE"), ("listed_at", "TIMESTAMP WITH TIME ZONE"), ("popularity", "DOUBLE"), ("title", "VARCHAR"),
        ],
        ["users"] =
        [
            ("user_id", "VARCHAR"), ("age_group", "VARCHAR"), ("primary_style", "VARCHAR"), ("price_sensitivity", "VARCHAR"),
            ("sustainability_focus", "VARCHAR"), ("style_preferences", "VARCHAR"), ("cf_preference", "DOUBLE"), ("preference_consistency", "DOUBLE"),
            ("activity", "DOUBLE"), ("signed_up_at", "TIMESTAMP WITH TIME ZONE"), ("drift_at", "TIMESTAMP WITH TIME ZONE"), ("cf_preference_after", "DOUBLE"),
        ],
        ["interactions"] =
        [
            ("FeedbackType", "VARCHAR"), ("UserId", "VARCHAR"), ("ItemId", "VARCHAR"), ("Timestamp", "TIMESTAMP WITH TIME ZONE"),
            ("RecType", "VARCHAR"), ("SessionId", "BIGINT"), ("Position", "INTEGER"),
        ],
        ["sessions"] =
        [
            ("SessionId", "BIGINT"), ("UserId", "VARCHAR"), ("StartedAt", "TIMESTAMP WITH TIME ZONE"), ("Policy", "VARCHAR"), ("Arm", "VARCHAR"),
            ("Propensity", "DOUBLE"), ("SlateSize", "INTEGER"), ("Views", "INTEGER"), ("Likes", "INTEGER"), ("Purchases", "INTEGER"), ("Reward", "INTEGER"),
        ],
        ["ground_truth"] =
        [
            ("UserId", "VARCHAR"), ("Sessions", "INTEGER"),
            .. new[] { "Cf", "Blend25", "Blend50", "Blend75", "Image" }.Select(l => ("Reward" + l, "DOUBLE")),
            .. new[] { "Cf", "Blend25", "Blend50", "Blend75", "Image" }.Select(l => ("StdErr" + l, "DOUBLE")),
            ("OptimalArm", "VARCHAR"), ("OptimalBlend", "DOUBLE"),
        ],
    };

    private readonly Both _both;

    public ParquetTests(Both both) => _both = both;

    public static TheoryData<string> Tables => [.. Documented.Keys];

    [Theory]
    [MemberData(nameof(Tables))]
    public void DuckDB_reads_the_parquet_table_with_the_documented_columns_and_types(string table)
    {
        using var db = Open();
        var columns = DuckDb.Query(db, $"DESCRIBE SELECT * FROM read_parquet('{Path(table, "parquet")}')", r => (r.GetString(0), r.GetString(1)));
        Assert.Equal(Documented[table], columns);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void DuckDB_gets_the_same_rows_from_the_parquet_and_the_csv_table(string table)
    {
        using var db = Open();
        string types = string.Join(", ", Documented[table].Select(c => $"'{c.Column}': '{c.Type}'"));
        string csv = $"read_csv('{Path(table, "csv")}', header = true, columns = {{{types}}})";
        string parquet = $"read_parquet('{Path(table, "parquet")}')";
        long rows = Scalar(db, $"SELECT count(*) FROM {csv}");
        var manifest = DatasetManifest.Read(System.IO.Path.Combine(_both.Folder, DatasetManifest.FileName));

        Assert.True(rows > 0);
        Assert.Equal(manifest.Files[table + ".csv"].Rows, rows);
        Assert.Equal(rows, manifest.Files[table + ".parquet"].Rows);
        Assert.Equal(rows, Scalar(db, $"SELECT count(*) FROM {parquet}"));
        Assert.Equal(0, Scalar(db, $"SELECT count(*) FROM (SELECT * FROM {csv} EXCEPT ALL SELECT * FROM {parquet})"));
        Assert.Equal(0, Scalar(db, $"SELECT count(*) FROM (SELECT * FROM {parquet} EXCEPT ALL SELECT * FROM {csv})"));
        // Same order too: row i of one is row i of the other.
        Assert.Equal(0, Scalar(db,
            $"SELECT count(*) FROM (SELECT row_number() OVER () AS i, * FROM {csv}) c JOIN (SELECT row_number() OVER () AS i, * FROM {parquet}) p USING (i) "
            + $"WHERE {string.Join(" OR ", Documented[table].Select(col => $"c.\"{col.Column}\" IS DISTINCT FROM p.\"{col.Column}\""))}"));
    }

    [Fact]
    public void Empty_csv_fields_are_parquet_nulls_and_the_rest_are_values()
    {
        using var db = Open();
        string users = $"read_parquet('{Path("users", "parquet")}')";
        long drifted = Scalar(db, $"SELECT count(*) FROM {users} WHERE drift_at IS NOT NULL AND cf_preference_after IS NOT NULL");
        long steady = Scalar(db, $"SELECT count(*) FROM {users} WHERE drift_at IS NULL AND cf_preference_after IS NULL");
        int expectedDrifted = File.ReadLines(Path("users", "csv")).Skip(1).Count(l => !l.EndsWith(",,", StringComparison.Ordinal));

        Assert.Equal(Options.Users.Count, drifted + steady);
        Assert.Equal(expectedDrifted, drifted);
        Assert.InRange(drifted, 1, Options.Users.Count - 1); // both kinds present, or the test proves nothing
    }

    [Fact]
    public void Parquet_alone_writes_no_csv_and_the_same_parquet_bytes()
    {
        using var temp = new TempDirectory("parquet-only");
        string folder = temp.Sub("out");
        DatasetGenerator.Generate(Options, TestOptions.Output(folder, threads: 1) with { Formats = DatasetFormats.Parquet }, cancellationToken: TestContext.Current.CancellationToken);

        string[] names = [.. Directory.EnumerateFiles(folder).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)];
        Assert.Equal(["embeddings.npy", "ground_truth.parquet", "interactions.parquet", "manifest.json", "products.parquet", "sessions.parquet", "users.parquet"], names);
        var manifest = DatasetManifest.Read(System.IO.Path.Combine(folder, DatasetManifest.FileName));
        Assert.Equal(names.Where(n => n != "manifest.json"), manifest.Files.Keys);
        foreach (string table in Documented.Keys)
        {
            string file = table + ".parquet";
            Assert.Equal(DatasetFiles.Sha256(Path(table, "parquet")), DatasetFiles.Sha256(System.IO.Path.Combine(folder, file)));
            Assert.Equal(DatasetFiles.Sha256(System.IO.Path.Combine(folder, file)), manifest.Files[file].Sha256);
        }
    }

    [Fact]
    public void Parquet_asked_for_a_path_that_is_a_folder_is_refused_even_with_force_and_the_folder_is_untouched()
    {
        using var temp = new TempDirectory("parquet-clash");
        string folder = temp.Sub("out");
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "interactions.parquet"));
        File.WriteAllText(System.IO.Path.Combine(folder, "interactions.parquet", "keep.txt"), "mine");
        var before = DatasetFiles.Snapshot(folder);

        var error = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(
            Options, TestOptions.Output(folder, force: true) with { Formats = DatasetFormats.Parquet }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("interactions.parquet exists and is a folder", error.Message, StringComparison.Ordinal);
        DatasetFiles.AssertSameSnapshot(before, DatasetFiles.Snapshot(folder));
    }

    [Fact]
    public void Parquet_files_of_existing_stages_are_not_overwritten_without_force()
    {
        var error = Assert.Throws<DatasetUsageException>(() => DatasetGenerator.Generate(
            Options, TestOptions.Output(_both.Folder, stage: DatasetStage.Behaviour) with { Formats = DatasetFormats.Parquet }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_written_in_both_formats_merge_into_the_unsharded_parquet_files()
    {
        using var temp = new TempDirectory("parquet-shards");
        var token = TestContext.Current.CancellationToken;
        string[] shards = [temp.Sub("s0"), temp.Sub("s1")];
        for (int k = 0; k < 2; k++)
        {
            DatasetGenerator.Generate(Options, TestOptions.Output(shards[k]) with { Formats = DatasetFormats.Csv | DatasetFormats.Parquet, Shard = new DatasetShard(k, 2) }, cancellationToken: token);
        }

        DatasetMerger.Merge(shards, temp.Sub("merged"), cancellationToken: token);

        DatasetFiles.AssertSameSnapshot(DatasetFiles.Snapshot(_both.Folder), DatasetFiles.Snapshot(temp.Sub("merged")));
    }

    [Fact]
    public void Merging_parquet_only_shards_is_refused_asking_for_csv()
    {
        using var temp = new TempDirectory("parquet-only-shards");
        var token = TestContext.Current.CancellationToken;
        string[] shards = [temp.Sub("s0"), temp.Sub("s1")];
        for (int k = 0; k < 2; k++)
        {
            DatasetGenerator.Generate(Options, TestOptions.Output(shards[k]) with { Formats = DatasetFormats.Parquet, Shard = new DatasetShard(k, 2) }, cancellationToken: token);
        }

        var error = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge(shards, temp.Sub("merged"), cancellationToken: token));
        Assert.Contains("--format csv,parquet", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Sub("merged")));
    }

    // Drift on, so that drift_at and cf_preference_after hold values for some users and are empty for the others.
    private static readonly RecSynthOptions Options = TestOptions.Dataset(1_200, 600, weeks: 2) with
    {
        Users = new UserOptions { Count = 600, Drift = new DriftOptions { Share = 0.3 } },
    };

    private string Path(string table, string extension) => System.IO.Path.Combine(_both.Folder, $"{table}.{extension}");

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }

    private static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>A dataset written in both formats, once for the class.</summary>
    public sealed class Both : IDisposable
    {
        private readonly TempDirectory _temp = new("parquet");

        public Both()
        {
            Folder = _temp.Sub("both");
            DatasetGenerator.Generate(Options, TestOptions.Output(Folder) with { Formats = DatasetFormats.Csv | DatasetFormats.Parquet });
        }

        public string Folder { get; }

        public void Dispose() => _temp.Dispose();
    }
}

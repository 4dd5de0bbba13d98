using System.Collections.Concurrent;
using System.Globalization;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using RecSynth.Configuration;
using RecSynth.Files.Internals;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Issue 11 item 4 / issue 14 item 4: the stages write the Parquet tables from their records, not from the CSV files.
/// Every field of every table is what its CSV form reads back as; the bytes are those of converting the CSV file, and
/// do not depend on the threads; a Parquet-only run never writes a CSV file.
/// </summary>
public sealed class ParquetWritingTests(ParquetWritingTests.SmallPreset small) : IClassFixture<ParquetWritingTests.SmallPreset>
{
    private static readonly string[] Tables = ["products", "users", "interactions", "sessions", "ground_truth"];

    // A few thousand rows of each table; drift on, so that drift_at and cf_preference_after are null for some users.
    private static readonly RecSynthOptions FewThousand = TestOptions.Dataset(3_000, 1_500, weeks: 3) with
    {
        Users = new UserOptions { Count = 1_500, Drift = new DriftOptions { Share = 0.3 } },
    };

    [Fact]
    public void Every_field_of_every_table_is_the_csv_field_at_a_few_thousand_rows()
    {
        using var temp = new TempDirectory("parquet-fields");
        var manifest = DatasetGenerator.Generate(FewThousand, Both(temp.Path, threads: 2), cancellationToken: TestContext.Current.CancellationToken);

        foreach (string table in Tables)
        {
            long rows = ParquetCsvComparison.AssertSameFields(temp.File(table + ".csv"), temp.File(table + ".parquet"));
            Assert.Equal(manifest.Files[table + ".csv"].Rows, rows);
            Assert.Equal(rows, manifest.Files[table + ".parquet"].Rows);
        }

        Assert.InRange(manifest.Files["interactions.csv"].Rows, 5_000, ParquetTables.RowGroupRows);
    }

    [Fact]
    public void Every_field_of_the_small_preset_is_the_csv_field_across_row_groups()
    {
        foreach (string table in Tables)
        {
            long rows = ParquetCsvComparison.AssertSameFields(small.File(table + ".csv"), small.File(table + ".parquet"));
            Assert.Equal(small.Manifest.Files[table + ".parquet"].Rows, rows);
        }

        Assert.True(small.Manifest.Files["interactions.parquet"].Rows > 2 * ParquetTables.RowGroupRows, "the interactions should fill several row groups");
    }

    [Fact]
    public void Names_that_need_quoting_escaping_or_utf8_are_the_csv_fields_unescaped()
    {
        using var temp = new TempDirectory("parquet-awkward");
        foreach (var stage in new[] { DatasetStage.Catalog, DatasetStage.Users })
        {
            DatasetGenerator.Generate(AwkwardVocabulary.Options, Both(temp.Path, threads: 2) with { Stage = stage }, cancellationToken: TestContext.Current.CancellationToken);
        }

        ParquetCsvComparison.AssertSameFields(temp.File("products.csv"), temp.File("products.parquet"));
        ParquetCsvComparison.AssertSameFields(temp.File("users.csv"), temp.File("users.parquet"));
        Assert.Contains("\"\"", File.ReadAllText(temp.File("products.csv")), StringComparison.Ordinal); // the CSV did need its quotes doubled
    }

    [Fact]
    public void The_tables_are_byte_for_byte_the_conversion_of_their_csv_files()
    {
        using var temp = new TempDirectory("parquet-converted");
        var token = TestContext.Current.CancellationToken;
        var manifest = DatasetGenerator.Generate(FewThousand, Both(temp.Sub("both"), threads: 3), cancellationToken: token);

        foreach (string table in Tables)
        {
            string csv = Path.Combine(temp.Sub("both"), table + ".csv"), converted = temp.File(table + ".parquet");
            var entry = ParquetTables.Convert(csv, manifest.Files[table + ".csv"].Rows, converted, "any", null, token);
            Assert.Equal(DatasetFiles.Sha256(converted), DatasetFiles.Sha256(Path.Combine(temp.Sub("both"), table + ".parquet")));
            Assert.Equal(entry.Sha256, manifest.Files[table + ".parquet"].Sha256);
            Assert.Equal(entry.Bytes, manifest.Files[table + ".parquet"].Bytes);
        }
    }

    [Fact]
    public void The_parquet_bytes_do_not_depend_on_the_threads_or_on_writing_csv_too()
    {
        using var temp = new TempDirectory("parquet-threads");
        DatasetGenerator.Generate(small.Options, TestOptions.Output(temp.Path, threads: 1) with { Formats = DatasetFormats.Parquet }, cancellationToken: TestContext.Current.CancellationToken);

        foreach (string table in Tables)
        {
            Assert.Equal(DatasetFiles.Sha256(small.File(table + ".parquet")), DatasetFiles.Sha256(temp.File(table + ".parquet")));
        }
    }

    [Fact]
    public void A_parquet_only_run_never_creates_a_csv_file_not_even_in_the_staging_folder()
    {
        using var temp = new TempDirectory("parquet-no-csv");
        var created = new ConcurrentQueue<string>();
        using var watcher = new FileSystemWatcher(temp.Path) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName };
        watcher.Created += (_, e) => created.Enqueue(e.FullPath);
        watcher.Renamed += (_, e) => created.Enqueue(e.FullPath);
        watcher.EnableRaisingEvents = true;

        // A watcher starts watching a new subfolder only after it has seen it created, on its own thread; files
        // made in between go unseen. So the run waits, once its staging folder exists, until a probe file made
        // there has been seen: from then on the watcher covers the staging folder.
        void AwaitWatcher(string staging)
        {
            if (!staging.StartsWith(temp.Path, StringComparison.Ordinal))
            {
                return; // another test's run
            }

            string probe = Path.Combine(staging, "probe");
            Assert.True(SpinWait.SpinUntil(() =>
            {
                File.WriteAllBytes(probe, []);
                bool seen = created.Contains(probe);
                File.Delete(probe);
                return seen;
            }, TimeSpan.FromSeconds(30)), "the watcher never covered the staging folder");
        }

        OutputFolder.StagingCreated += AwaitWatcher;
        try
        {
            // simulate: the behaviour's tables, and metrics.csv's Parquet form.
            DatasetGenerator.Simulate(FewThousand, TestOptions.Output(temp.Path, threads: 2) with { Formats = DatasetFormats.Parquet }, new SimulationOptions(),
                cancellationToken: TestContext.Current.CancellationToken);
        }
        finally
        {
            OutputFolder.StagingCreated -= AwaitWatcher;
        }

        // The watcher's events come on its own thread: wait for the last one, the manifest moved into the folder.
        string manifest = temp.File(DatasetManifest.FileName);
        SpinWait.SpinUntil(() => created.Contains(manifest), TimeSpan.FromSeconds(30));
        string staging = Path.Combine(temp.Path, OutputFolder.StagingName);
        Assert.Contains(manifest, created);
        Assert.DoesNotContain(created, path => path.EndsWith(".csv", StringComparison.Ordinal));
        // It saw the staging folder's files (so it would have seen a CSV file there): each table as it was begun.
        foreach (string table in Tables.Append("metrics"))
        {
            Assert.Contains(Path.Combine(staging, table + ".parquet"), created);
        }

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.csv", SearchOption.AllDirectories));
    }

    [Fact]
    public void Simulate_writes_metrics_parquet_from_memory_as_the_conversion_of_metrics_csv()
    {
        using var temp = new TempDirectory("parquet-metrics");
        var token = TestContext.Current.CancellationToken;
        var options = TestOptions.Dataset(1_000, 300, weeks: 2);
        DatasetGenerator.Simulate(options, Both(temp.Sub("both"), threads: 2), new SimulationOptions(), cancellationToken: token);
        DatasetGenerator.Simulate(options, TestOptions.Output(temp.Sub("parquet"), threads: 1) with { Formats = DatasetFormats.Parquet }, new SimulationOptions(), cancellationToken: token);

        string csv = Path.Combine(temp.Sub("both"), "metrics.csv");
        long rows = ParquetCsvComparison.AssertSameFields(csv, Path.Combine(temp.Sub("both"), "metrics.parquet"));
        ParquetTables.Convert(csv, rows, temp.File("converted.parquet"), "any", null, token);
        Assert.Equal(14, rows);
        Assert.Equal(DatasetFiles.Sha256(temp.File("converted.parquet")), DatasetFiles.Sha256(Path.Combine(temp.Sub("parquet"), "metrics.parquet")));
        Assert.False(File.Exists(Path.Combine(temp.Sub("parquet"), "metrics.csv")));
    }

    private static GenerateOptions Both(string folder, int threads) =>
        TestOptions.Output(folder, threads) with { Formats = DatasetFormats.Csv | DatasetFormats.Parquet };

    /// <summary>The small preset (10,000 products, 5,000 users, a year) in both formats, once for the class.</summary>
    public sealed class SmallPreset : IDisposable
    {
        private readonly TempDirectory _temp = new("parquet-small");

        public SmallPreset()
        {
            Manifest = DatasetGenerator.Generate(Options, Both(_temp.Path, threads: 3));
        }

        public RecSynthOptions Options { get; } = RecSynthOptions.FromPreset(Preset.Small);

        public DatasetManifest Manifest { get; }

        public string File(string name) => _temp.File(name);

        public void Dispose() => _temp.Dispose();
    }
}

/// <summary>A table's Parquet file against its CSV file, field by field, independently of the writers.</summary>
internal static class ParquetCsvComparison
{
    /// <summary>
    /// Checks that both hold the same columns, in order, and the same rows, in order, each field of the Parquet file
    /// being what the CSV field reads back as (a null for an empty field; a double that is what the text parses to,
    /// bit for bit; a UTC time to the second); returns the number of rows.
    /// </summary>
    public static long AssertSameFields(string csvPath, string parquetPath)
    {
        using var csv = Sep.Reader(o => o with { Unescape = true }).FromFile(csvPath);
        var parquet = ParquetReader.CreateAsync(parquetPath).GetAwaiter().GetResult();
        try
        {
            return AssertSameFields(csv, csvPath, parquet, parquetPath);
        }
        finally
        {
            parquet.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static long AssertSameFields(SepReader csv, string csvPath, ParquetReader parquet, string parquetPath)
    {
        var header = csv.Header.ColNames;
        var fields = parquet.Schema.GetDataFields();
        Assert.Equal(header, fields.Select(f => f.Name));
        long row = 0;
        for (int g = 0; g < parquet.RowGroupCount; g++)
        {
            using var group = parquet.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            var columns = fields.Select(f => Read(group, f, rows)).ToArray();
            for (int r = 0; r < rows; r++, row++)
            {
                Assert.True(csv.MoveNext(), $"{parquetPath} has more rows than {csvPath} ({row + 1}+)");
                for (int c = 0; c < columns.Length; c++)
                {
                    string text = csv.Current[c].ToString();
                    string? problem = Compare(text, columns[c][r]);
                    if (problem is not null)
                    {
                        Assert.Fail($"{Path.GetFileName(parquetPath)} row {row + 1} column {header[c]}: CSV '{text}', Parquet {Show(columns[c][r])}: {problem}");
                    }
                }
            }
        }

        Assert.False(csv.MoveNext(), $"{csvPath} has more rows than {parquetPath} ({row})");
        return row;
    }

    private static object?[] Read(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (field.ClrType == typeof(int) && !field.IsNullable)
        {
            return Values(group, field, new int[rows]);
        }

        if (field.ClrType == typeof(long) && !field.IsNullable)
        {
            return Values(group, field, new long[rows]);
        }

        Assert.True(field.IsNullable, $"{field.Name}: only integers are required");
        return field.ClrType == typeof(double) ? Optional<double>(group, field, rows)
            : field.ClrType == typeof(DateTime) ? Optional<DateTime>(group, field, rows)
            : field.ClrType == typeof(ReadOnlyMemory<char>) ? [.. Optional<ReadOnlyMemory<char>>(group, field, rows).Select(v => v is ReadOnlyMemory<char> m ? m.ToString() : null)]
            : throw new InvalidOperationException($"{field.Name}: unexpected type {field.ClrType}");
    }

    private static object?[] Values<T>(ParquetRowGroupReader group, DataField field, T[] values)
        where T : struct
    {
        group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return [.. values.Select(v => (object?)v)];
    }

    private static object?[] Optional<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct
    {
        var values = new T?[rows];
        group.ReadAsync<T>(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return [.. values.Select(v => (object?)v)];
    }

    /// <summary>Why <paramref name="value"/> is not what <paramref name="text"/> reads back as, or null when it is.</summary>
    private static string? Compare(string text, object? value)
    {
        var c = CultureInfo.InvariantCulture;
        return value switch
        {
            null => text.Length == 0 ? null : "a null for a value",
            _ when text.Length == 0 => "a value for an empty field",
            string s => s == text ? null : "other text",
            int i => int.TryParse(text, NumberStyles.AllowLeadingSign, c, out int parsed) && parsed == i && i.ToString(c) == text ? null : "another integer",
            long l => long.TryParse(text, NumberStyles.AllowLeadingSign, c, out long parsed) && parsed == l && l.ToString(c) == text ? null : "another integer",
            double d => double.TryParse(text, NumberStyles.Float, c, out double parsed)
                && BitConverter.DoubleToInt64Bits(parsed) == BitConverter.DoubleToInt64Bits(d) ? null : "another double",
            DateTime t => t.Kind == DateTimeKind.Utc && t.Ticks % TimeSpan.TicksPerSecond == 0 && t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", c) == text ? null : "another time",
            _ => $"unexpected {value.GetType()}",
        };
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        _ => $"'{value}'",
    };
}

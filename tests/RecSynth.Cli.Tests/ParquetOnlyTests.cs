using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// The same small dataset generated twice, with --format csv and with --format parquet, each in a folder named "data"
/// (under csv/ and pqt/: paths of the same length, which a centred table title shows).
/// </summary>
public sealed class CsvAndParquetDatasets : IAsyncLifetime
{
    private readonly TempDirectory _root = new("parquet-only");

    public string Csv => Path.Combine(_root.Sub("csv"), "data");

    public string Parquet => Path.Combine(_root.Sub("pqt"), "data");

    public async ValueTask InitializeAsync()
    {
        string config = _root.File("weeks.toml");
        await File.WriteAllTextAsync(config, Datasets.Weeks(2));
        foreach (var (format, folder) in new[] { ("csv", Csv), ("parquet", Parquet) })
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            int code = await RecSynthApp.RunAsync(
                ["generate", "-c", config, "--products", "400", "--users", "300", "--format", format, "-o", folder, "--quiet"], stdout, stderr, CancellationToken.None);
            Assert.True(code == 0, stderr.ToString());
        }

        Assert.Empty(Directory.EnumerateFiles(Parquet, "*.csv"));
    }

    /// <summary>Copies of both folders (as DIR/csv/data and DIR/pqt/data), for verbs that write into them.</summary>
    internal (string Csv, string Parquet) CopyTo(TempDirectory temp)
    {
        string Copy(string from, string kind)
        {
            string folder = Path.Combine(temp.Sub(kind), "data");
            Directory.CreateDirectory(folder);
            foreach (string file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            return folder;
        }

        return (Copy(Csv, "csv"), Copy(Parquet, "pqt"));
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Every verb that reads a dataset reads a Parquet-only folder (generate --format parquet) as it reads the CSV tables
/// of the same dataset: the same output, byte for byte.
/// </summary>
public sealed class ParquetOnlyTests(CsvAndParquetDatasets datasets) : IClassFixture<CsvAndParquetDatasets>
{
    private static async Task<(CliResult Csv, CliResult Parquet)> BothAsync(string csv, string parquet, Func<string, string[]> arguments)
    {
        var fromCsv = await Cli.RunAsync(arguments(csv));
        var fromParquet = await Cli.RunAsync(arguments(parquet));
        Assert.True(fromCsv.ExitCode == 0, fromCsv.ToString());
        Assert.True(fromParquet.ExitCode == 0, fromParquet.ToString());
        return (fromCsv, fromParquet);
    }

    [Theory]
    [InlineData("stats", "--json")]
    [InlineData("stats")]
    [InlineData("gorse-config")]
    [InlineData("push", "--url", "http://127.0.0.1:9/", "--dry-run")]
    [InlineData("evaluate", "--policy", "fixed:image", "--threads", "1", "--json", "--quiet")]
    public async Task A_verb_that_prints_prints_the_same_from_the_parquet_tables(string verb, params string[] options)
    {
        var (csv, parquet) = await BothAsync(datasets.Csv, datasets.Parquet, folder => [verb, folder, .. options]);

        Assert.Equal(csv.StdOut.Replace(datasets.Csv, "DIR", StringComparison.Ordinal), parquet.StdOut.Replace(datasets.Parquet, "DIR", StringComparison.Ordinal));
        Assert.NotEqual("", parquet.StdOut);
        Assert.Equal("", parquet.StdErr);
    }

    [Fact]
    public async Task Report_writes_the_same_page_from_the_parquet_tables()
    {
        using var temp = new TempDirectory("parquet-report");
        var (csvFolder, parquetFolder) = datasets.CopyTo(temp);

        await BothAsync(csvFolder, parquetFolder, folder => ["report", folder, "--quiet"]);

        Assert.Equal(File.ReadAllBytes(Path.Combine(csvFolder, "report.html")), File.ReadAllBytes(Path.Combine(parquetFolder, "report.html")));
    }

    [Fact]
    public async Task Export_writes_the_same_files_from_the_parquet_tables()
    {
        using var temp = new TempDirectory("parquet-export");

        await BothAsync(datasets.Csv, datasets.Parquet, folder => ["export", folder, "--format", "gorse-jsonl", "-o", folder == datasets.Csv ? temp.Sub("csv") : temp.Sub("parquet"), "--quiet"]);

        Datasets.AssertIdentical(temp.Sub("csv"), temp.Sub("parquet"));
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("report")]
    [InlineData("gorse-config")]
    public async Task A_file_that_is_not_parquet_exits_2_naming_it(string verb)
    {
        using var temp = new TempDirectory("parquet-bad");
        var (_, folder) = datasets.CopyTo(temp);
        string table = verb == "gorse-config" ? "interactions.parquet" : "users.parquet";
        File.WriteAllText(Path.Combine(folder, table), "user_id,age_group\nU000000,18-24\n");
        var before = Datasets.Snapshot(folder);

        var result = await Cli.RunAsync(verb, folder);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains($"{table}: not a readable Parquet file", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(folder));
    }

    [Fact]
    public async Task Merging_parquet_only_shards_exits_2_asking_for_the_csv_tables_and_creates_nothing()
    {
        using var temp = new TempDirectory("parquet-merge");
        string[] shards = await Datasets.ShardsAsync(temp.Path, 2, [0, 1], "--preset", "seed", "--format", "parquet");

        var result = await Cli.RunAsync(["merge", .. shards, "-o", temp.Sub("merged")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("without its CSV", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--format csv,parquet", result.StdErr, StringComparison.Ordinal);
        Datasets.AssertNotCreated(temp.Sub("merged"), result);
    }
}


using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Every verb that reads a dataset refuses a malformed file the same way: exit code 2, one message naming the file, the
/// line, the column and the value, nothing on stdout, and nothing written.
/// </summary>
public sealed class MalformedDatasetTests(ReportDataset dataset) : IClassFixture<ReportDataset>
{
    /// <summary>verb, file, line, column, value, why.</summary>
    public static TheoryData<string, string, int, string, string, string> Cases => new()
    {
        { "stats", "products.csv", 7, "price", "cheap", "is not a number" },
        { "report", "products.csv", 7, "price", "cheap", "is not a number" },
        { "export", "products.csv", 7, "price", "cheap", "is not a number" },
        { "stats", "products.csv", 9, "item_id", "item_3", "occurs twice" },
        { "report", "users.csv", 5, "cf_preference", "high", "is not a number" },
        { "export", "users.csv", 5, "style_preferences", "[]", "is not a JSON object" },
        { "stats", "interactions.csv", 40, "UserId", "U999999", "is not in users.csv" },
        { "report", "interactions.csv", 41, "ItemId", "item_x", "is not in products.csv" },
        { "gorse-config", "interactions.csv", 42, "Timestamp", "yesterday", "is not an RFC 3339 UTC time" },
        { "stats", "sessions.csv", 9, "Reward", "yes", "is not a whole number" },
        { "report", "sessions.csv", 10, "UserId", "U999999", "is not in users.csv" },
        { "evaluate", "sessions.csv", 11, "SessionId", "s11", "is not a whole number" },
        { "evaluate", "sessions.csv", 12, "StartedAt", "noon", "is not an RFC 3339 UTC time" },
        { "stats", "ground_truth.csv", 3, "OptimalBlend", "half", "is not a number" },
    };

    private static string[] Arguments(string verb, string folder) => verb switch
    {
        "export" => ["export", folder, "--format", "gorse-jsonl", "-o", Path.Combine(folder, "out")],
        "evaluate" => ["evaluate", folder, "--policy", "fixed:cf", "--threads", "1"],
        _ => [verb, folder],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_field_exits_2_naming_file_line_column_and_value_and_writes_nothing(string verb, string file, int line, string column, string value, string why)
    {
        using var temp = new TempDirectory("malformed");
        string folder = dataset.CopyTo(temp.Sub("data"));
        Datasets.Corrupt(Path.Combine(folder, file), line, column, value);
        var before = Datasets.Snapshot(folder);

        var result = await Cli.RunAsync(Arguments(verb, folder));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains($"{file} line {line}: {column} '{value}' {why}", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
        Assert.Equal(before, Datasets.Snapshot(folder));
    }

    [Fact]
    public async Task A_row_with_a_field_missing_exits_2_naming_file_and_line()
    {
        using var temp = new TempDirectory("malformed-short");
        string folder = dataset.CopyTo(temp.Sub("data"));
        string path = Path.Combine(folder, "sessions.csv");
        var lines = File.ReadAllLines(path);
        lines[7] = lines[7][..lines[7].LastIndexOf(',')];
        File.WriteAllText(path, string.Join('\n', lines) + "\n");

        foreach (string verb in new[] { "stats", "report", "evaluate" })
        {
            var result = await Cli.RunAsync(Arguments(verb, folder));

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("sessions.csv line 8", result.StdErr, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// shard, file, line, column, value, why: a behaviour table's row key, read while the tables are merged, and a
    /// copied table (the first shard's) or another column, found changed by the manifest's SHA-256, then read for the message.
    /// </summary>
    [Theory]
    [InlineData(1, "interactions.csv", 6, "Position", "first", "is not a whole number")]
    [InlineData(1, "sessions.csv", 4, "StartedAt", "noon", "is not an RFC 3339 UTC time")]
    [InlineData(0, "products.csv", 7, "price", "cheap", "is not a number")]
    [InlineData(1, "sessions.csv", 3, "Propensity", "high", "is not a number")]
    public async Task Merging_a_shard_with_a_malformed_field_exits_2_naming_it_and_creates_nothing(int shard, string file, int line, string column, string value, string why)
    {
        using var temp = new TempDirectory("merge-malformed");
        string[] shards = await Datasets.ShardsAsync(temp.Path, 2, [0, 1], "--products", "500", "--users", "100");
        Datasets.Corrupt(Path.Combine(shards[shard], file), line, column, value);

        var result = await Cli.RunAsync(["merge", .. shards, "-o", temp.Sub("merged")]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains($"{file} line {line}: {column} '{value}' {why}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(shards[shard], result.StdErr, StringComparison.Ordinal);
        Datasets.AssertNotCreated(temp.Sub("merged"), result);
    }
}

using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary>A folder that is not a complete, well-formed dataset is refused before any request, naming the file (and line).</summary>
public sealed class BadFolderTests(SmallDataset dataset)
{
    private static async Task<(RecSynth.Cli.Tests.CliResult Result, GorseTestServer Server)> PushAsync(string folder, params string[] extra)
    {
        var server = await GorseTestServer.StartAsync();
        var result = await Tool.RunAsync(["push", folder, "--url", server.Endpoint.ToString(), .. extra]);
        return (result, server);
    }

    private static async Task AssertRefusedAsync(string folder, string[] extra, params string[] named)
    {
        var (result, server) = await PushAsync(folder, extra);
        await using (server)
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            foreach (string text in named)
            {
                Assert.Contains(text, result.StdErr, StringComparison.Ordinal);
            }

            Assert.Empty(server.Requests);
        }
    }

    [Theory]
    [InlineData("products.csv")]
    [InlineData("users.csv")]
    [InlineData("interactions.csv")]
    [InlineData("embeddings.npy")]
    public async Task A_missing_file_is_refused_before_any_request(string file)
    {
        using var temp = new TempDirectory("bad-missing");
        string folder = dataset.CopyTo(temp);
        File.Delete(Path.Combine(folder, file));

        await AssertRefusedAsync(folder, ["--with-embeddings"], file, "does not exist");
    }

    [Fact]
    public async Task A_table_whose_parquet_form_is_not_parquet_is_refused_before_any_request()
    {
        using var temp = new TempDirectory("bad-parquet");
        string folder = dataset.CopyTo(temp);
        File.Move(Path.Combine(folder, "interactions.csv"), Path.Combine(folder, "interactions.parquet"));

        await AssertRefusedAsync(folder, [], "interactions.parquet: not a readable Parquet file");
    }

    /// <summary>Replaces one field of a data line (1-based line number, header = line 1).</summary>
    private static void Corrupt(string path, int line, string column, string value)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int index = Array.IndexOf(header, column);
        Assert.True(index >= 0, column);
        var fields = lines[line - 1].Split(',');
        Assert.True(fields.Length == header.Length, "the line chosen must have no quoted commas");
        fields[index] = value;
        lines[line - 1] = string.Join(',', fields);
        File.WriteAllLines(path, lines);
    }

    [Theory]
    [InlineData("products.csv", 7, "price", "cheap", "is not a number")]
    [InlineData("products.csv", 12, "listed_at", "2023-02-30T00:00:00Z", "is not an RFC 3339")]
    [InlineData("interactions.csv", 40, "Timestamp", "yesterday", "is not an RFC 3339")]
    [InlineData("interactions.csv", 41, "UserId", "U999999", "is not in users.csv")]
    [InlineData("interactions.csv", 42, "ItemId", "item_x", "is not in products.csv")]
    [InlineData("interactions.csv", 43, "FeedbackType", "add-to-cart", "is not a Gorse feedback type")]
    public async Task A_malformed_row_is_refused_before_any_request_naming_file_line_and_column(string file, int line, string column, string value, string why)
    {
        using var temp = new TempDirectory("bad-row");
        string folder = dataset.CopyTo(temp);
        Corrupt(Path.Combine(folder, file), line, column, value);

        await AssertRefusedAsync(folder, [], $"{file} line {line}: {column} '{value}' {why}");
    }

    [Fact]
    public async Task A_row_with_a_missing_field_is_refused_naming_file_and_line()
    {
        using var temp = new TempDirectory("bad-short");
        string folder = dataset.CopyTo(temp);
        string path = Path.Combine(folder, "interactions.csv");
        var lines = File.ReadAllLines(path);
        lines[9] = lines[9][..lines[9].LastIndexOf(',')];
        File.WriteAllLines(path, lines);

        await AssertRefusedAsync(folder, [], "interactions.csv line 10");
    }

    [Fact]
    public async Task Embeddings_whose_rows_do_not_match_the_products_are_refused_before_any_request()
    {
        using var temp = new TempDirectory("bad-npy");
        string folder = dataset.CopyTo(temp);
        string products = Path.Combine(folder, "products.csv");
        var lines = File.ReadAllLines(products);
        File.WriteAllLines(products, lines[..^1]);

        await AssertRefusedAsync(folder, ["--with-embeddings"], "embeddings.npy has 300 rows", "products.csv has 299");
    }

    [Fact]
    public async Task A_truncated_embeddings_file_is_refused_before_any_request()
    {
        using var temp = new TempDirectory("bad-npy-cut");
        string folder = dataset.CopyTo(temp);
        string npy = Path.Combine(folder, "embeddings.npy");
        var bytes = File.ReadAllBytes(npy);
        File.WriteAllBytes(npy, bytes[..^100]);

        await AssertRefusedAsync(folder, ["--with-embeddings"], "embeddings.npy", "bytes");
    }

    [Fact]
    public async Task A_dry_run_checks_the_folder_and_sends_nothing()
    {
        using var temp = new TempDirectory("dry");
        string folder = dataset.CopyTo(temp);
        var (result, server) = await PushAsync(folder, "--dry-run", "--with-embeddings");
        await using (server)
        {
            var expected = ExpectedState.Of(folder, withEmbeddings: false);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"{expected.Users.Count} users, {expected.Items.Count} items, {expected.Feedback.Count:N0} feedback rows", result.StdOut, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--concurrency", "0")]
    [InlineData("--url", "ftp://example.org")]
    [InlineData("--api-key-env", "RECSYNTH_TEST_UNSET_VARIABLE_4711")]
    public async Task Bad_options_are_refused_with_exit_2_naming_the_option(string option, string value)
    {
        using var temp = new TempDirectory("bad-option");
        string folder = dataset.CopyTo(temp);
        await using var server = await GorseTestServer.StartAsync();
        string[] args = option == "--url" ? ["push", folder, "--url", value] : ["push", folder, "--url", server.Endpoint.ToString(), option, value];

        var result = await Tool.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.StdErr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}

using System.Text.Json.Nodes;
using RecSynth.Testing;
using Tomlyn;
using Tomlyn.Model;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary><c>recsynth gorse-config</c> and <c>recsynth export --format gorse-jsonl</c>.</summary>
public sealed class GorseConfigAndExportTests(SmallDataset dataset)
{
    [Fact]
    public async Task Gorse_config_parses_as_toml_and_names_exactly_the_feedback_types_of_the_dataset()
    {
        var result = await Tool.RunAsync("gorse-config", dataset.Folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        var toml = TomlSerializer.Deserialize<TomlTable>(result.StdOut)!;
        var recommend = (TomlTable)toml["recommend"];
        var source = (TomlTable)recommend["data_source"];
        string[] positive = [.. ((TomlArray)source["positive_feedback_types"]).Cast<string>()];
        string[] read = [.. ((TomlArray)source["read_feedback_types"]).Cast<string>()];
        var types = ExpectedState.Of(dataset.Folder, withEmbeddings: false).FeedbackTypes;
        Assert.Equal(types.Order(StringComparer.Ordinal), positive.Concat(read).Order(StringComparer.Ordinal));
        Assert.Equal(["view"], read);
        Assert.Contains("like", positive);
        Assert.Contains("purchase", positive);
        var itemToItem = Assert.Single((TomlTableArray)recommend["item-to-item"]);
        Assert.Equal("image_sim", itemToItem["name"]);
        Assert.Equal("embedding", itemToItem["type"]);
        Assert.Equal("item.Labels.embedding", itemToItem["column"]);
        Assert.Equal("mf", ((TomlTable)recommend["collaborative"])["type"]);
    }

    [Fact]
    public async Task Gorse_config_names_only_the_types_that_occur()
    {
        using var temp = new TempDirectory("config-types");
        string folder = dataset.CopyTo(temp);
        string path = Path.Combine(folder, "interactions.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith("purchase,", StringComparison.Ordinal)));

        var result = await Tool.RunAsync("gorse-config", folder);

        var source = (TomlTable)((TomlTable)TomlSerializer.Deserialize<TomlTable>(result.StdOut)!["recommend"])["data_source"];
        Assert.Equal(["like"], ((TomlArray)source["positive_feedback_types"]).Cast<string>());
    }

    [Fact]
    public async Task Export_writes_jsonl_files_whose_rows_are_the_dataset()
    {
        using var temp = new TempDirectory("export");
        string output = temp.Sub("out");

        var result = await Tool.RunAsync("export", dataset.Folder, "--format", "gorse-jsonl", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ExpectedState.Of(dataset.Folder, withEmbeddings: false);
        var users = Lines(Path.Combine(output, "users.jsonl"));
        Assert.Equal(expected.Users.Count, users.Count);
        foreach (var user in users)
        {
            Assert.True(ExpectedState.SameJson(expected.Users[(string)user["UserId"]!], user["Labels"]), user.ToJsonString());
        }

        var items = Lines(Path.Combine(output, "items.jsonl"));
        Assert.Equal(expected.Items.Keys.Order(StringComparer.Ordinal), items.Select(i => (string)i["ItemId"]!).Order(StringComparer.Ordinal));
        foreach (var item in items)
        {
            var e = expected.Items[(string)item["ItemId"]!];
            Assert.Equal(e.Categories, item["Categories"]!.AsArray().Select(c => (string)c!));
            Assert.Equal(e.Timestamp, DateTimeOffset.Parse((string)item["Timestamp"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("Z", (string)item["Timestamp"]!, StringComparison.Ordinal);
        }

        var feedback = Lines(Path.Combine(output, "feedback.jsonl"));
        Assert.Equal(expected.Feedback.Count, feedback.Count);
        foreach (var f in feedback)
        {
            var e = expected.Feedback[((string)f["FeedbackType"]!, (string)f["UserId"]!, (string)f["ItemId"]!)];
            Assert.Equal(e.Value, (double)f["Value"]!);
            Assert.Equal(e.Timestamp, DateTimeOffset.Parse((string)f["Timestamp"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_hidden_ground_truth_leaves_the_dataset_only_when_asked(bool withGroundTruth)
    {
        using var temp = new TempDirectory("export-truth");
        string output = temp.Sub("out");
        string[] args = ["export", dataset.Folder, "--format", "gorse-jsonl", "-o", output, "--quiet"];

        var result = await Tool.RunAsync(withGroundTruth ? [.. args, "--with-ground-truth"] : args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var users = ExpectedState.Csv(Path.Combine(dataset.Folder, "users.csv")).ToDictionary(u => u["user_id"], StringComparer.Ordinal);
        foreach (var user in Lines(Path.Combine(output, "users.jsonl")))
        {
            var labels = user["Labels"]!.AsObject();
            var row = users[(string)user["UserId"]!];
            foreach (string hidden in new[] { "cf_preference", "preference_consistency", "activity" })
            {
                Assert.Equal(withGroundTruth, labels.ContainsKey(hidden));
                if (withGroundTruth)
                {
                    Assert.Equal(double.Parse(row[hidden], System.Globalization.CultureInfo.InvariantCulture), (double)labels[hidden]!);
                }
            }
        }

        Assert.All(Lines(Path.Combine(output, "items.jsonl")), item => Assert.Equal(withGroundTruth, item["Labels"]!.AsObject().ContainsKey("popularity")));
    }

    private static List<JsonObject> Lines(string path) =>
        [.. File.ReadLines(path).Select(l => JsonNode.Parse(l)!.AsObject())];

    [Theory]
    [InlineData("push", new[] { "--url", "--api-key-env", "--api-key-file", "--batch-size", "--concurrency", "--max-retries", "--with-embeddings", "--with-ground-truth", "--resume", "--verify", "--dry-run", "--quiet" })]
    [InlineData("export", new[] { "--format", "--output", "--with-embeddings", "--with-ground-truth" })]
    [InlineData("gorse-config", new string[0])]
    public async Task Help_of_the_gorse_verbs_lists_every_option(string verb, string[] options)
    {
        var result = await Tool.RunAsync(verb, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("DIR", result.StdOut, StringComparison.Ordinal);
        Assert.All(options, option => Assert.Contains(option, result.StdOut, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_refuses_an_unknown_format_with_exit_2()
    {
        var result = await Tool.RunAsync("export", dataset.Folder, "--format", "parquet");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--format", result.StdErr, StringComparison.Ordinal);
    }
}

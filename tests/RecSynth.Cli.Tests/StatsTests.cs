using System.Globalization;
using System.Text.Json;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary><c>recsynth stats DIR</c>: the vital signs as a table and as JSON, and a clear refusal of what is not a dataset.</summary>
public sealed class StatsTests
{
    [Fact]
    public async Task Stats_prints_the_counts_of_the_files_as_a_table_and_as_json()
    {
        using var temp = new TempDirectory("stats");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));
        string folder = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "-c", config, "--products", "800", "--users", "400", "-o", folder, "--quiet")).ExitCode);
        int sessions = Datasets.CsvRows(Path.Combine(folder, "sessions.csv"));
        var interactions = Datasets.CsvFields(Path.Combine(folder, "interactions.csv")).Skip(1).ToList();
        int likes = interactions.Count(f => f[0] == "like");

        var table = await Cli.RunAsync("stats", folder);
        var json = await Cli.RunAsync("stats", folder, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        foreach (string label in new[] { "products", "users", "sessions", "interactions", "sparsity", "share on the top 20 % of products", "interior optimal blend" })
        {
            Assert.Contains(label, table.StdOut, StringComparison.Ordinal);
        }

        Assert.Contains(sessions.ToString("N0", CultureInfo.InvariantCulture), table.StdOut, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.StdOut);
        var root = document.RootElement;
        Assert.Equal(800, root.GetProperty("products").GetInt64());
        Assert.Equal(400, root.GetProperty("users").GetInt64());
        Assert.Equal(sessions, root.GetProperty("sessions").GetInt64());
        Assert.Equal(interactions.Count, root.GetProperty("interactions").GetInt64());
        Assert.Equal(likes, root.GetProperty("event_mix").GetProperty("like").GetInt64());
        Assert.Equal(["cf", "image"], root.GetProperty("reward_rate").EnumerateObject().First().Value.EnumerateObject().Select(a => a.Name));
        Assert.Equal("", json.StdErr);
    }

    [Fact]
    public async Task Stats_on_a_missing_folder_or_a_folder_without_a_dataset_exits_2()
    {
        using var temp = new TempDirectory("stats-bad");
        Directory.CreateDirectory(temp.Sub("empty"));

        var missing = await Cli.RunAsync("stats", temp.Sub("nowhere"));
        var empty = await Cli.RunAsync("stats", temp.Sub("empty"));

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("no products.csv", empty.StdErr, StringComparison.Ordinal);
    }
}

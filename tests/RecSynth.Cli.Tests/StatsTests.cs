using System.Globalization;
using System.Text.Json;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary><c>recsynth stats DIR</c>: the vital signs as a table and as JSON, and a clear refusal of what is not a dataset.</summary>
public sealed class StatsTests
{
    /// <summary>Two weeks of 800 products and 400 users in <c>temp/data</c>, logged by <paramref name="policy"/>.</summary>
    private static async Task<string> GenerateAsync(TempDirectory temp, string policy = "uniform")
    {
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));
        string folder = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "-c", config, "--products", "800", "--users", "400", "--policy", policy, "-o", folder, "--quiet")).ExitCode);
        return folder;
    }

    [Fact]
    public async Task Stats_prints_the_counts_of_the_files_as_a_table_and_as_json()
    {
        using var temp = new TempDirectory("stats");
        string folder = await GenerateAsync(temp);
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
    public async Task Every_json_key_is_an_identifier_and_the_reward_rates_are_keyed_by_bucket_and_arm()
    {
        using var temp = new TempDirectory("stats-keys");
        string folder = await GenerateAsync(temp, "uniform-blend");

        var json = await Cli.RunAsync("stats", folder, "--json");
        var table = await Cli.RunAsync("stats", folder);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var names = new List<string>();
        void Collect(JsonElement element)
        {
            foreach (var property in element.ValueKind == JsonValueKind.Object ? element.EnumerateObject() : default)
            {
                names.Add(property.Name);
                Collect(property.Value);
            }
        }

        Collect(document.RootElement);
        Assert.All(names, name => Assert.Matches("^[a-z][a-z0-9_]*$", name));
        var rates = document.RootElement.GetProperty("reward_rate");
        Assert.Equal(["cf_0_3_to_0_7", "cf_ge_0_7", "cf_le_0_3"], rates.EnumerateObject().Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.All(rates.EnumerateObject(), bucket => Assert.Equal(
            ["blend_0_25", "blend_0_5", "blend_0_75", "cf", "image"], bucket.Value.EnumerateObject().Select(a => a.Name).Order(StringComparer.Ordinal)));
        Assert.Contains("reward rate, cf_preference ≥ 0.7", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("reward rate, 0.3 < cf_preference < 0.7", table.StdOut, StringComparison.Ordinal);
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

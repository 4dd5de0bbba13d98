using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Files.Config;

namespace RecSynth.Files.Tests;

/// <summary>manifest.json records the tool, version, per-stage seed, counts and config, and every file's size, rows and SHA-256.</summary>
public sealed class DatasetManifestTests(GeneratedDatasets datasets)
{
    [Fact]
    public void The_manifest_names_the_tool_and_its_version()
    {
        using var manifest = DatasetFiles.Manifest(datasets.Default.Folder);
        var root = manifest.RootElement;

        Assert.Equal("recsynth", root.GetProperty("tool").GetString());
        string version = root.GetProperty("version").GetString()!;
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", version); // no "+commit" suffix: the bytes must not depend on the build
        Assert.Equal(typeof(DatasetGenerator).Assembly.GetName().Version!.ToString(3), version.Split('-')[0]);
        Assert.Equal(1, root.GetProperty("format").GetInt32());
    }

    [Fact]
    public void The_manifest_records_seed_counts_and_config_per_stage()
    {
        var dataset = datasets.Default;
        using var manifest = DatasetFiles.Manifest(dataset.Folder);
        var stages = manifest.RootElement.GetProperty("stages");

        Assert.Equal(["behaviour", "catalog", "users"], stages.EnumerateObject().Select(s => s.Name));
        Assert.Equal(42, stages.GetProperty("catalog").GetProperty("seed").GetInt64());
        Assert.Equal(42, stages.GetProperty("users").GetProperty("seed").GetInt64());
        Assert.Equal(42, stages.GetProperty("behaviour").GetProperty("seed").GetInt64());
        Assert.Equal(3_000, stages.GetProperty("catalog").GetProperty("counts").GetProperty("products").GetInt64());
        Assert.Equal(1_000, stages.GetProperty("users").GetProperty("counts").GetProperty("users").GetInt64());

        // The behaviour counts are the rows of its files, counted here by a CSV reader.
        var behaviour = stages.GetProperty("behaviour").GetProperty("counts");
        Assert.Equal(["interactions", "sessions"], behaviour.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        long interactions = DatasetFiles.Rows(dataset.File("interactions.csv"));
        long sessions = DatasetFiles.Rows(dataset.File("sessions.csv"));
        Assert.True(interactions > 0 && sessions > 0, $"{interactions} interactions in {sessions} sessions");
        Assert.Equal((interactions, sessions), (behaviour.GetProperty("interactions").GetInt64(), behaviour.GetProperty("sessions").GetInt64()));
        foreach (string stage in new[] { "behaviour", "catalog", "users" })
        {
            var config = JsonNode.Parse(stages.GetProperty(stage).GetProperty("config").GetRawText())!.AsObject();
            OptionsEquality.AssertEqual(dataset.Options, OptionsJson.FromJson(config, "manifest.json"));
        }
    }

    [Fact]
    public void The_manifest_config_uses_the_toml_key_names()
    {
        using var manifest = DatasetFiles.Manifest(datasets.Default.Folder);
        var config = manifest.RootElement.GetProperty("stages").GetProperty("catalog").GetProperty("config");

        Assert.Equal(3_000, config.GetProperty("catalog").GetProperty("count").GetInt32());
        Assert.Equal(0.2, config.GetProperty("catalog").GetProperty("listed_during_share").GetDouble());
        Assert.Equal("float32", config.GetProperty("embedding").GetProperty("dtype").GetString());
        Assert.Equal("2023-01-01T00:00:00Z", config.GetProperty("time").GetProperty("start").GetString());
        Assert.Equal(0.85, config.GetProperty("catalog").GetProperty("brands").GetProperty("Local Brand").GetProperty("price_factor").GetDouble());
        Assert.True(config.GetProperty("factors").GetProperty("write").GetBoolean());
    }

    [Fact]
    public void Every_file_is_listed_with_its_size_rows_and_the_sha256_of_its_bytes()
    {
        var dataset = datasets.Default;

        DatasetFiles.AssertMatchesManifest(dataset.Folder);

        using var manifest = DatasetFiles.Manifest(dataset.Folder);
        var files = manifest.RootElement.GetProperty("files");
        long interactions = DatasetFiles.Rows(dataset.File("interactions.csv"));
        long sessions = DatasetFiles.Rows(dataset.File("sessions.csv"));
        Assert.True(interactions > 0 && sessions > 0, $"{interactions} interactions in {sessions} sessions");
        Assert.Equal(
            [
                ("embeddings.npy", "catalog", 3_000L), ("ground_truth.csv", "behaviour", 1_000L), ("interactions.csv", "behaviour", interactions),
                ("item_factors.npy", "catalog", 3_000L), ("products.csv", "catalog", 3_000L), ("sessions.csv", "behaviour", sessions),
                ("user_factors.npy", "users", 1_000L), ("users.csv", "users", 1_000L),
            ],
            files.EnumerateObject().Select(f => (f.Name, f.Value.GetProperty("stage").GetString()!, f.Value.GetProperty("rows").GetInt64())));
        Assert.All(files.EnumerateObject(), f => Assert.Matches("^[0-9a-f]{64}$", f.Value.GetProperty("sha256").GetString()!));
    }

    [Fact]
    public void Generate_returns_the_manifest_it_wrote()
    {
        var dataset = datasets.Default;
        var read = DatasetManifest.Read(dataset.File("manifest.json"));

        Assert.Equal(dataset.Manifest.Tool, read.Tool);
        Assert.Equal(dataset.Manifest.Version, read.Version);
        Assert.Equal(dataset.Manifest.Files, read.Files);
        Assert.Equal(dataset.Manifest.Stages.Keys, read.Stages.Keys);
        Assert.Equal(File.ReadAllBytes(dataset.File("manifest.json")), dataset.Manifest.ToJsonBytes());
    }

    [Fact]
    public void A_manifest_of_another_tool_is_refused_by_Read()
    {
        using var temp = new RecSynth.Testing.TempDirectory("manifest");
        string path = temp.File("manifest.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { tool = "other", version = "1.0" }));

        var error = Assert.Throws<InvalidDataException>(() => DatasetManifest.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{ not json");
        Assert.Throws<InvalidDataException>(() => DatasetManifest.Read(path));
    }
}

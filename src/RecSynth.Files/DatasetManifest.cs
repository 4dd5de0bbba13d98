using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RecSynth.Files;

/// <summary>
/// <c>manifest.json</c>: what a dataset folder holds and how it was made: the tool version, per stage the seed,
/// the full effective config and the counts, and the size, row count and SHA-256 of every file.
/// A folder without it is not a complete dataset.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Always "recsynth".</summary>
    public string Tool { get; init; } = "recsynth";

    /// <summary>Version of the tool that wrote the dataset.</summary>
    public string Version { get; init; } = "";

    /// <summary>Version of this manifest's layout.</summary>
    public int Format { get; init; } = 1;

    /// <summary>The stages present, by name (catalog, users).</summary>
    public SortedDictionary<string, ManifestStage> Stages { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Every file of the dataset, by name.</summary>
    public SortedDictionary<string, ManifestFile> Files { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reads a manifest; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static DatasetManifest Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var manifest = JsonSerializer.Deserialize(stream, ManifestJson.Default.DatasetManifest);
            return manifest is { Tool: "recsynth" } ? manifest : throw new InvalidDataException($"{path} is not a RecSynth manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid RecSynth manifest: {e.Message}", e);
        }
    }

    /// <summary>The manifest as indented JSON (UTF-8, newline-terminated).</summary>
    public byte[] ToJsonBytes()
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.DatasetManifest);
        return [.. json, (byte)'\n'];
    }
}

/// <summary>One stage of a dataset as recorded in the manifest.</summary>
public sealed record ManifestStage
{
    /// <summary>The seed the stage was generated with.</summary>
    public long Seed { get; init; }

    /// <summary>Entity counts of the stage (e.g. products, users).</summary>
    public SortedDictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The full effective config, in the TOML file's shape.</summary>
    public JsonObject Config { get; init; } = [];

    /// <summary>For a behaviour stage simulated for one shard of the users, the shard as <c>k/n</c>; otherwise null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Shard { get; init; }

    /// <summary>
    /// For a behaviour stage simulated in the closed loop (<c>recsynth simulate</c>), the bandit policy that served its
    /// sessions and whose learning curves are in metrics.csv, e.g. <c>thompson</c>; otherwise null (the logging policy
    /// of <c>generate</c> is the config's <c>behaviour.policy</c>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Policy { get; init; }
}

/// <summary>One file of a dataset.</summary>
public sealed record ManifestFile
{
    /// <summary>The stage that wrote it.</summary>
    public string Stage { get; init; } = "";

    /// <summary>Data rows (CSV rows without the header; first-axis length of an .npy array).</summary>
    public long Rows { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public string Sha256 { get; init; } = "";
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DatasetManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;

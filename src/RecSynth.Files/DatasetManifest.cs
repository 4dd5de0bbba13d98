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

    /// <summary>
    /// The manifest of a dataset folder, for a verb that needs one: a missing manifest is a <see cref="DatasetUsageException"/>
    /// that says what the folder lacks (<paramref name="missing"/>: what to do about it), and so is one that is not valid.
    /// </summary>
    internal static DatasetManifest ReadFolder(string directory, string missing)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new DatasetUsageException($"{directory} holds no complete dataset (no {FileName}); {missing}");
        }

        try
        {
            return Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetUsageException(e.Message, e);
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
    /// For a behaviour stage written by <c>simulate</c>, the closed loop that served the sessions (the policy, its arms
    /// and the recommender) instead of the config's logging policy; null for <c>generate</c>. With the seed and config,
    /// it is what re-creating the log needs.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestSimulation? Simulation { get; init; }
}

/// <summary>The closed loop of a behaviour stage written by <c>simulate</c>.</summary>
public sealed record ManifestSimulation
{
    /// <summary>The policy, as named on the command line (e.g. thompson, fixed:0.25).</summary>
    public string Policy { get; init; } = "";

    /// <summary><c>two</c> or <c>blend</c>.</summary>
    public string Arms { get; init; } = "two";

    /// <summary><c>oracle</c>, <c>builtin</c> or <c>gorse</c>.</summary>
    public string Recommender { get; init; } = "oracle";
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

using System.Security.Cryptography;
using System.Text.Json;

namespace RecSynth.Cli.Tests;

/// <summary>What a dataset folder holds, read as a user would: the files on disk and manifest.json.</summary>
internal static class Datasets
{
    public const string Staging = ".recsynth-staging";

    /// <summary>The files of the catalogue and users stages (without the factor files).</summary>
    public static readonly string[] CatalogAndUsers = ["embeddings.npy", "products.csv", "users.csv"];

    /// <summary>The files of the behaviour stage.</summary>
    public static readonly string[] Behaviour = ["ground_truth.csv", "interactions.csv", "sessions.csv"];

    /// <summary>The files of a whole dataset, every stage (without the factor files).</summary>
    public static readonly string[] All = [.. CatalogAndUsers, .. Behaviour];

    /// <summary>
    /// A [time] section for a period of whole weeks from 2023-01-01: the behaviour of a few weeks takes a fraction of
    /// a year's, so tests that run every stage stay fast.
    /// </summary>
    public static string Weeks(int weeks) =>
        $"[time]\nstart = 2023-01-01T00:00:00Z\nend = {new DateTime(2023, 1, 1).AddDays(7 * weeks):yyyy-MM-dd}T00:00:00Z\n";

    /// <summary>
    /// Generates shards <paramref name="indices"/> of <paramref name="count"/> over one week into folder/s0, folder/s1…
    /// with the generate <paramref name="options"/>; returns their folders, by index.
    /// </summary>
    public static async Task<string[]> ShardsAsync(string folder, int count, int[] indices, params string[] options)
    {
        string config = Path.Combine(folder, "weeks.toml");
        await File.WriteAllTextAsync(config, Weeks(1));
        var shards = new string[count];
        foreach (int k in indices)
        {
            shards[k] = Path.Combine(folder, "s" + k);
            var shard = await Cli.RunAsync(["generate", "-c", config, .. options, "--shard", $"{k}/{count}", "-o", shards[k], "--quiet"]);
            Assert.True(shard.ExitCode == 0, shard.ToString());
        }

        return shards;
    }

    /// <summary>Generates <paramref name="weeks"/> weeks of a small dataset quietly into the folder <paramref name="name"/> of <paramref name="temp"/>.</summary>
    public static async Task<string> GenerateAsync(RecSynth.Testing.TempDirectory temp, string name, int weeks, int products, int users)
    {
        string config = temp.File($"{name}-weeks.toml");
        File.WriteAllText(config, Weeks(weeks));
        string folder = temp.Sub(name);
        var result = await Cli.RunAsync("generate", "-c", config, "--products", $"{products}", "--users", $"{users}", "-o", folder, "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        return folder;
    }

    /// <summary>The lines of sessions.csv or interactions.csv as field arrays, header first (their fields hold no comma or quote).</summary>
    public static string[][] CsvFields(string file) => [.. File.ReadLines(file).Select(l => l.Split(','))];

    /// <summary>Every file under <paramref name="folder"/> (recursively, by relative path) and its SHA-256; empty if there is no folder.</summary>
    public static SortedDictionary<string, string> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return files;
        }

        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = Sha256(file);
        }

        return files;
    }

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Asserts both folders hold the same file names with the same bytes.</summary>
    public static void AssertIdentical(string expected, string actual)
    {
        var a = Snapshot(expected);
        var b = Snapshot(actual);
        Assert.NotEmpty(a);
        Assert.Equal(a.Keys, b.Keys);
        foreach (string name in a.Keys)
        {
            Assert.True(a[name] == b[name], $"{name} differs between {expected} and {actual}");
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))), $"{name} differs");
        }
    }

    /// <summary>The manifest's "files" object: name → (stage, rows, bytes, sha256).</summary>
    public static Dictionary<string, (string Stage, long Rows, long Bytes, string Sha256)> ManifestFiles(string folder)
    {
        using var manifest = ReadManifest(folder);
        var files = new Dictionary<string, (string, long, long, string)>(StringComparer.Ordinal);
        foreach (var file in manifest.RootElement.GetProperty("files").EnumerateObject())
        {
            files[file.Name] = (
                file.Value.GetProperty("stage").GetString()!,
                file.Value.GetProperty("rows").GetInt64(),
                file.Value.GetProperty("bytes").GetInt64(),
                file.Value.GetProperty("sha256").GetString()!);
        }

        return files;
    }

    /// <summary>The stages the manifest records, in its order.</summary>
    public static string[] ManifestStages(string folder)
    {
        using var manifest = ReadManifest(folder);
        return [.. manifest.RootElement.GetProperty("stages").EnumerateObject().Select(s => s.Name)];
    }

    /// <summary>The seed and counts the manifest records for a stage (catalog, users or behaviour).</summary>
    public static (long Seed, Dictionary<string, long> Counts) ManifestStage(string folder, string stage)
    {
        using var manifest = ReadManifest(folder);
        var element = manifest.RootElement.GetProperty("stages").GetProperty(stage);
        var counts = element.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        return (element.GetProperty("seed").GetInt64(), counts);
    }

    public static JsonDocument ReadManifest(string folder)
    {
        string path = Path.Combine(folder, "manifest.json");
        Assert.True(File.Exists(path), $"{path} does not exist");
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    /// <summary>
    /// Asserts the folder is a complete dataset: manifest.json lists exactly the other files, each with its true size and
    /// SHA-256, and no staging folder is left.
    /// </summary>
    public static void AssertComplete(string folder, params string[] expectedFiles)
    {
        var listed = ManifestFiles(folder);
        string[] onDisk = [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Where(n => n != "manifest.json").Order(StringComparer.Ordinal)!];
        Assert.Equal(expectedFiles.Order(StringComparer.Ordinal), onDisk);
        Assert.Equal(expectedFiles.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, entry) in listed)
        {
            string path = Path.Combine(folder, name);
            Assert.Equal(new FileInfo(path).Length, entry.Bytes);
            Assert.True(Sha256(path) == entry.Sha256, $"the SHA-256 of {name} does not match manifest.json");
        }
    }

    /// <summary>Asserts a failed or cancelled run left nothing: the folder does not exist (it was new) and no staging folder is anywhere.</summary>
    public static void AssertNotCreated(string folder, CliResult result)
    {
        Assert.False(Directory.Exists(folder), $"{folder} exists after a failed run; it did not before.\n{result}");
        Assert.False(File.Exists(folder), $"{folder} exists as a file after a failed run.\n{result}");
    }

    /// <summary>
    /// Replaces one field of a CSV file's line (1-based, the header is line 1), found by its column's name; quoted
    /// fields (users.csv's style_preferences) are kept whole.
    /// </summary>
    public static void Corrupt(string path, int line, string column, string value)
    {
        var lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int index = Array.IndexOf(header, column);
        Assert.True(index >= 0, $"{Path.GetFileName(path)} has no column {column}");
        var fields = System.Text.RegularExpressions.Regex.Matches(lines[line - 1], "(\"[^\"]*(\"\"[^\"]*)*\"|[^,]*)(,|$)")
            .Select(m => m.Groups[1].Value).Take(header.Length).ToArray();
        Assert.True(fields.Length == header.Length, $"line {line} of {path} does not split into {header.Length} fields");
        fields[index] = value;
        lines[line - 1] = string.Join(',', fields);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    /// <summary>Data rows of a CSV file (lines after the header; no field in these files spans lines).</summary>
    public static int CsvRows(string file) => File.ReadLines(file).Count() - 1;
}

using System.Globalization;
using RecSynth.Configuration;
using RecSynth.Files.Config;
using RecSynth.Simulation;

namespace RecSynth.Files.Internals;

/// <summary>
/// The behaviour of one shard written as parts of the dataset in the folder (docs/sharding.md): shard k of the run
/// writes <c>interactions/part-k.parquet</c>, <c>sessions/part-k.parquet</c> and <c>ground_truth/part-k.parquet</c>
/// (or <c>.csv</c>, or both) next to the catalogue and users, and <c>shards/part-k.json</c>, its manifest, last. Every
/// shard writes only its own files, so shards may run at the same time into one folder (on one machine or on a shared
/// volume), and the folder reads as one dataset with a glob over each table's parts. A part is staged in a folder of
/// its own and moved in only when complete.
/// </summary>
internal static class ShardParts
{
    /// <summary>The folder where the first shards keep the catalogue-side work (neighbour lists, CF pools) the others reuse.</summary>
    public const string SourcesFolder = "sources";

    /// <summary>The folder of the parts' manifests.</summary>
    public const string ManifestFolder = "shards";

    /// <summary>The tables a shard writes in parts (the CSV names; the Parquet forms go next to them).</summary>
    public static readonly string[] Tables = [BehaviourStage.Interactions, BehaviourStage.Sessions, BehaviourStage.GroundTruthFile];

    /// <summary>Where part <paramref name="index"/> of a table file (e.g. <c>interactions.parquet</c>) goes: <c>interactions/part-00002.parquet</c>.</summary>
    public static string PartPath(string file, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(file)}/part-{index:D5}{Path.GetExtension(file)}");

    /// <summary>The manifest of part <paramref name="index"/>: <c>shards/part-00002.json</c>.</summary>
    public static string ManifestPath(int index) => string.Create(CultureInfo.InvariantCulture, $"{ManifestFolder}/part-{index:D5}.json");

    /// <summary>
    /// Simulates shard <paramref name="shard"/> on the catalogue and users in the folder (<paramref name="world"/>, checked
    /// against the folder's manifest by the caller) and writes its parts; returns the part's manifest.
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder holds a behaviour stage of its own, parts of another run, or this part (without force).</exception>
    public static DatasetManifest Write(
        RecSynthOptions world, long seed, DatasetShard shard, GenerateOptions output, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        string directory = Path.GetFullPath(output.Directory);
        var config = OptionsJson.ToJson(world with { Seed = seed });
        var dataset = DatasetManifest.Read(Path.Combine(directory, DatasetManifest.FileName));
        CheckFolder(directory, dataset, shard, seed, config, output.Force);

        string staging = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{OutputFolder.StagingName}-part-{shard.Index:D5}"));
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true); // left by a run of this part that was killed
        }

        Directory.CreateDirectory(staging);
        try
        {
            // The shard's own users only: at ten million users the rest would be gigabytes the part never reads.
            var (firstUser, userCount) = shard.UsersOf(world.Users.Count);
            var simulationWorld = SimulationWorld.BuildForUsers(world, output.Threads, firstUser, userCount, progress: PhaseReports.To(progress), cancellationToken: cancellationToken);
            simulationWorld.GivesBackEmbeddings = true; // one logging run: nothing reads them after the neighbour lists
            simulationWorld.Sources = new SourceFolder(Path.Combine(directory, SourcesFolder), CatalogueId(dataset));
            var (files, counts, _) = BehaviourStage.Write(
                simulationWorld, world.Behaviour, seed, shard, null, output.Formats, staging, output.Threads, datasetFolder: null, progress, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            var manifest = new DatasetManifest { Version = DatasetGenerator.ToolVersion };
            manifest.Stages[BehaviourStage.Name] = new ManifestStage { Seed = seed, Counts = counts, Config = config, Shard = shard.ToString() };
            foreach (var (file, entry) in files)
            {
                manifest.Files[PartPath(file, shard.Index)] = entry;
            }

            // The part's old manifest goes first and the new one last: a part without its manifest is not complete.
            string manifestPath = Path.Combine(directory, ManifestPath(shard.Index));
            Directory.CreateDirectory(Path.GetDirectoryName(manifestPath)!);
            File.Delete(manifestPath);
            foreach (string table in Tables)
            {
                foreach (string file in new[] { table, ParquetTables.ParquetName(table) })
                {
                    string path = Path.Combine(directory, PartPath(file, shard.Index));
                    if (files.Any(f => f.File == file))
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        File.Move(Path.Combine(staging, file), path, overwrite: true);
                    }
                    else if (File.Exists(path))
                    {
                        File.Delete(path); // a format this run did not write: the part's old file would not match its manifest
                    }
                }
            }

            string staged = Path.Combine(staging, DatasetManifest.FileName);
            File.WriteAllBytes(staged, manifest.ToJsonBytes());
            File.Move(staged, manifestPath, overwrite: true);
            Directory.Delete(staging, recursive: true);
            return manifest;
        }
        catch
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the failure that brought us here is the one to report.
            }

            throw;
        }
    }

    /// <summary>The catalogue and users of the folder, named by their files' SHA-256 in its manifest (checked against the files before).</summary>
    private static string CatalogueId(DatasetManifest manifest) =>
        string.Join(",", manifest.Files.Where(f => f.Value.Stage is CatalogStage.Name or UsersStage.Name).Select(f => $"{f.Key}:{f.Value.Sha256}"));

    /// <summary>
    /// The parts already in the folder must be of this run (the same number of shards, seed and config), and this
    /// part may be replaced only with force; a behaviour stage written whole cannot sit next to parts.
    /// </summary>
    private static void CheckFolder(string directory, DatasetManifest manifest, DatasetShard shard, long seed, System.Text.Json.Nodes.JsonObject config, bool force)
    {
        if (manifest.Stages.ContainsKey(BehaviourStage.Name))
        {
            throw new DatasetUsageException(
                $"{directory} already holds a behaviour stage written whole ({BehaviourStage.Interactions} or its Parquet form); a shard's parts "
                + "cannot go next to it: generate the parts into a folder with the catalogue and users only");
        }

        string folder = Path.Combine(directory, ManifestFolder);
        string[] others = Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "part-*.json").Order(StringComparer.Ordinal)] : [];
        foreach (string path in others)
        {
            DatasetManifest part;
            try
            {
                part = DatasetManifest.Read(path);
            }
            catch (InvalidDataException e)
            {
                throw new DatasetUsageException($"{e.Message}; remove it, or use another folder", e);
            }

            var stage = part.Stages.GetValueOrDefault(BehaviourStage.Name);
            var other = stage?.Shard is { } text ? DatasetShard.TryParse(text, out _) : null;
            if (stage is null || other is null)
            {
                throw new DatasetUsageException($"{path} is not the manifest of a shard's part; remove it, or use another folder");
            }

            string? why = other.Value.Count != shard.Count ? string.Create(CultureInfo.InvariantCulture, $"a run in {other.Value.Count} shards, not {shard.Count}")
                : stage.Seed != seed ? string.Create(CultureInfo.InvariantCulture, $"seed {stage.Seed}, not {seed}")
                : OptionsJson.Differences(stage.Config, config) is { Count: > 0 } differences ? $"another config ({string.Join(", ", differences.Take(5))})"
                : part.Version != DatasetGenerator.ToolVersion ? $"RecSynth {part.Version}, not {DatasetGenerator.ToolVersion}"
                : null;
            if (why is not null)
            {
                throw new DatasetUsageException(
                    $"{directory} holds part {other.Value.Index} of another run ({path}: {why}); the parts of one folder must be of one run: "
                    + $"remove {string.Join(", ", Tables.Select(t => Path.GetFileNameWithoutExtension(t) + "/"))} and {ManifestFolder}/, or use another folder");
            }

            if (other.Value.Index == shard.Index && !force)
            {
                throw new DatasetUsageException($"{directory} already holds part {shard.Index} ({path}); use --force to replace it");
            }
        }

        if (!force && Tables.SelectMany(t => new[] { t, ParquetTables.ParquetName(t) }).Select(f => Path.Combine(directory, PartPath(f, shard.Index))).FirstOrDefault(File.Exists) is { } stray)
        {
            throw new DatasetUsageException($"{stray} exists without its manifest (a part that did not finish?); use --force to replace it");
        }
    }
}

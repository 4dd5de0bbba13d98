using System.Reflection;
using RecSynth.Configuration;
using RecSynth.Files.Config;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// Generates a dataset folder: the library entry point behind <c>recsynth generate</c>. Files appear only when
/// complete, the manifest last; a failure or cancellation leaves the folder as it was.
/// </summary>
public static class DatasetGenerator
{
    /// <summary>The tool version recorded in manifests.</summary>
    public static string ToolVersion { get; } =
        typeof(DatasetGenerator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Every file a stage can write.</summary>
    public static IReadOnlyList<string> FilesOf(DatasetStage stage) => stage switch
    {
        DatasetStage.Catalog => CatalogStage.AllFiles,
        DatasetStage.Users => UsersStage.AllFiles,
        _ => [.. CatalogStage.AllFiles, .. UsersStage.AllFiles],
    };

    /// <summary>Generates the <paramref name="output"/> stage of <paramref name="options"/> into its folder.</summary>
    /// <exception cref="OptionsException">The options are invalid.</exception>
    /// <exception cref="DatasetUsageException">The folder is not empty (without force) or the sizes exceed the machine.</exception>
    /// <exception cref="IOException">Writing failed; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public static DatasetManifest Generate(
        RecSynthOptions options,
        GenerateOptions output,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.EnsureValid();
        if (output.Threads is < 1 or > 1024)
        {
            throw new OptionsException([new OptionProblem("--threads", output.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be in [1, 1024]")]);
        }

        bool catalog = output.Stage is DatasetStage.All or DatasetStage.Catalog;
        bool users = output.Stage is DatasetStage.All or DatasetStage.Users;
        string[] stages = [.. new[] { catalog ? CatalogStage.Name : null, users ? UsersStage.Name : null }.OfType<string>()];
        var stageFiles = FilesOf(output.Stage);
        ResourceEstimate.Check(options, catalog, users, output.Threads, output.Directory);

        var folder = OutputFolder.Prepare(output.Directory, stages, stageFiles, output.Force);
        try
        {
            CheckCompatible(options, folder, stages);
        }
        catch
        {
            folder.Abort();
            throw;
        }

        try
        {
            var written = new List<(string File, ManifestFile Entry)>();
            if (catalog)
            {
                written.AddRange(CatalogStage.Write(options, folder.Staging, output.Threads, progress, cancellationToken));
            }

            if (users)
            {
                written.AddRange(UsersStage.Write(options, folder.Staging, output.Threads, progress, cancellationToken));
            }

            cancellationToken.ThrowIfCancellationRequested();
            var manifest = BuildManifest(options, folder, stages, written);
            folder.Commit(written.Select(w => w.File), stageFiles, manifest);
            return manifest;
        }
        catch
        {
            folder.Abort();
            throw;
        }
    }

    /// <summary>
    /// A stage written next to stages already in the folder must come from the same config (sizes aside): the users'
    /// hidden factors and style preferences refer to the catalogue's seed, communities and vocabulary.
    /// </summary>
    private static void CheckCompatible(RecSynthOptions options, OutputFolder folder, string[] stages)
    {
        if (folder.Previous is not { } previous)
        {
            return;
        }

        var config = OptionsJson.ToJson(options);
        foreach (var (name, stage) in previous.Stages.Where(s => !stages.Contains(s.Key)))
        {
            var differences = OptionsJson.Differences(stage.Config, config, "catalog.count", "users.count");
            if (differences.Count > 0)
            {
                throw new DatasetUsageException(
                    $"{folder.Path} holds a {name} stage made with a different config ({string.Join(", ", differences.Take(5))}{(differences.Count > 5 ? ", …" : "")}); "
                    + "the stages of one dataset must share their config apart from the sizes: regenerate every stage (--stage all --force) or use another folder");
            }
        }
    }

    private static DatasetManifest BuildManifest(RecSynthOptions options, OutputFolder folder, string[] stages, List<(string File, ManifestFile Entry)> written)
    {
        var manifest = new DatasetManifest { Version = ToolVersion };
        if (folder.Previous is { } previous)
        {
            // Keep the stages this run did not touch, with those of their files that are still there.
            foreach (var (name, stage) in previous.Stages.Where(s => !stages.Contains(s.Key)))
            {
                manifest.Stages[name] = stage;
            }

            foreach (var (file, entry) in previous.Files.Where(f => !stages.Contains(f.Value.Stage) && File.Exists(Path.Combine(folder.Path, f.Key))))
            {
                manifest.Files[file] = entry;
            }
        }

        foreach (string stage in stages)
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            if (stage == CatalogStage.Name)
            {
                counts["products"] = options.Catalog.Count;
            }
            else
            {
                counts["users"] = options.Users.Count;
            }

            manifest.Stages[stage] = new ManifestStage { Seed = options.Seed, Counts = counts, Config = OptionsJson.ToJson(options) };
        }

        foreach (var (file, entry) in written)
        {
            manifest.Files[file] = entry;
        }

        return manifest;
    }
}

using System.Reflection;
using System.Security.Cryptography;
using RecSynth.Configuration;
using RecSynth.Simulation;
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

    /// <summary>Every file a stage can write, in either format.</summary>
    public static IReadOnlyList<string> FilesOf(DatasetStage stage)
    {
        string[] files = stage switch
        {
            DatasetStage.Catalog => CatalogStage.AllFiles,
            DatasetStage.Users => UsersStage.AllFiles,
            DatasetStage.Behaviour => BehaviourStage.AllFiles,
            _ => [.. CatalogStage.AllFiles, .. UsersStage.AllFiles, .. BehaviourStage.AllFiles],
        };
        return [.. files, .. files.Where(ParquetTables.HasParquetForm).Select(ParquetTables.ParquetName)];
    }

    /// <summary>
    /// Generates the <paramref name="output"/> stage of <paramref name="options"/> into its folder. The behaviour stage
    /// alone simulates on the catalogue and users already in the folder (checked against its manifest first): their
    /// options come from the manifest, and only <see cref="RecSynthOptions.Behaviour"/> and the seed from
    /// <paramref name="options"/>.
    /// </summary>
    /// <exception cref="OptionsException">The options are invalid.</exception>
    /// <exception cref="DatasetUsageException">The folder is not empty (without force), lacks what a stage needs, or the sizes exceed the machine.</exception>
    /// <exception cref="IOException">Writing failed; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public static DatasetManifest Generate(
        RecSynthOptions options,
        GenerateOptions output,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default) => Run(options, output, null, progress, cancellationToken).Manifest;

    /// <summary>
    /// What generating the <paramref name="output"/> stage of <paramref name="options"/> needs, estimated from the
    /// options before anything is built — the check every run makes against the machine before it starts: the peak
    /// memory of the process and the disk the files take. Nothing is read or written.
    /// </summary>
    /// <exception cref="OptionsException">The options are invalid.</exception>
    public static DatasetEstimate Estimate(RecSynthOptions options, GenerateOptions output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.EnsureValid();
        bool catalog = output.Stage is DatasetStage.All or DatasetStage.Catalog;
        bool users = output.Stage is DatasetStage.All or DatasetStage.Users;
        bool behaviour = output.Stage is DatasetStage.All or DatasetStage.Behaviour;
        return new DatasetEstimate(
            ResourceEstimate.MemoryBytes(options, catalog, users, behaviour, output.Threads, output.Shard),
            ResourceEstimate.DiskBytes(options, catalog, users, behaviour, output.Shard));
    }

    /// <summary>
    /// Like <see cref="Generate"/>, but a bandit serves the sessions in a closed loop (docs/design.md §6) instead of
    /// the logging policy, with the generator's own sources as recommenders; writes metrics.csv (one row per day) next
    /// to the tables, and returns the run's metrics against the ground truth.
    /// </summary>
    /// <exception cref="OptionsException">The options or the policy are invalid, or a shard is asked for (a policy that learns across users cannot be split).</exception>
    /// <exception cref="DatasetUsageException">As for <see cref="Generate"/>.</exception>
    /// <exception cref="IOException">Writing failed; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public static SimulationResult Simulate(
        RecSynthOptions options,
        GenerateOptions output,
        SimulationOptions simulation,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(output);
        var problems = Validate(options, output, simulation);
        if (problems.Count > 0)
        {
            throw new OptionsException(problems);
        }

        var (manifest, loop) = Run(options, output, simulation, progress, cancellationToken);
        return new SimulationResult(manifest, loop!);
    }

    private static (DatasetManifest Manifest, RecSynth.Bandits.ClosedLoopResult? Loop) Run(
        RecSynthOptions options,
        GenerateOptions output,
        SimulationOptions? simulation,
        IProgress<GenerationProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.EnsureValid();
        if (simulation is null && Validate(options, output, null) is { Count: > 0 } problems)
        {
            throw new OptionsException(problems);
        }

        if (output is { Stage: DatasetStage.Behaviour, Shard: { } part } && simulation is null)
        {
            // A shard's part of the behaviour, written next to the catalogue and users (docs/sharding.md).
            var partWorld = (WorldOf(output.Directory, cancellationToken) with { Behaviour = options.Behaviour }).EnsureValid();
            if (partWorld.ValidateForSimulation() is { Count: > 0 } large)
            {
                throw new OptionsException(large);
            }

            ResourceEstimate.Check(partWorld, false, false, true, output.Threads, output.Directory, part);
            return (ShardParts.Write(partWorld, options.Seed, part, output, progress, cancellationToken), null);
        }

        bool catalog = output.Stage is DatasetStage.All or DatasetStage.Catalog;
        bool users = output.Stage is DatasetStage.All or DatasetStage.Users;
        bool behaviour = output.Stage is DatasetStage.All or DatasetStage.Behaviour;

        string[] stages = [.. new[] { catalog ? CatalogStage.Name : null, users ? UsersStage.Name : null, behaviour ? BehaviourStage.Name : null }.OfType<string>()];

        // A new catalogue or user base makes an existing behaviour stage stale: its files go too.
        var replaced = FilesOf(output.Stage).Concat(catalog || users ? FilesOf(DatasetStage.Behaviour) : []).Distinct().ToArray();
        var world = options;
        if (output.Stage == DatasetStage.Behaviour)
        {
            // The folder's catalogue and users with the caller's behaviour: checked together (e.g. condition_appeal
            // must name the folder's conditions).
            world = (WorldOf(output.Directory, cancellationToken) with { Behaviour = options.Behaviour }).EnsureValid();
        }

        if (behaviour && world.ValidateForSimulation() is { Count: > 0 } tooLarge)
        {
            throw new OptionsException(tooLarge);
        }

        ResourceEstimate.Check(world, catalog, users, behaviour, output.Threads, output.Directory, output.Shard);
        var folder = OutputFolder.Prepare(output.Directory, stages, replaced, output.Force);
        try
        {
            if (output.Stage != DatasetStage.Behaviour)
            {
                CheckCompatible(options, folder, stages);
            }
        }
        catch
        {
            folder.Abort();
            throw;
        }

        try
        {
            var written = new List<(string File, ManifestFile Entry)>();
            RecSynth.Bandits.ClosedLoopResult? loop = null;
            var counts = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);

            // A run of every stage keeps the embeddings the catalogue stage composes, and builds the world on them: none
            // is composed twice.
            float[]? composed = catalog && behaviour ? new float[(long)options.Catalog.Count * options.Embedding.Dimensions] : null;
            if (catalog)
            {
                written.AddRange(CatalogStage.Write(options, output.Formats, folder.Staging, output.Threads, composed, progress, cancellationToken));
                counts[CatalogStage.Name] = new(StringComparer.Ordinal) { ["products"] = options.Catalog.Count };
            }

            if (users)
            {
                written.AddRange(UsersStage.Write(options, output.Formats, folder.Staging, output.Threads, progress, cancellationToken));
                counts[UsersStage.Name] = new(StringComparer.Ordinal) { ["users"] = options.Users.Count };
            }

            if (behaviour)
            {
                var phases = PhaseReports.To(progress);
                // A logging run of a shard builds its own users only; a closed loop's policies are sized by the whole world.
                var (firstUser, userCount) = simulation is null && output.Shard is { } shard ? shard.UsersOf(world.Users.Count) : (0, world.Users.Count);
                var simulationWorld = SimulationWorld.BuildForUsers(world, output.Threads, firstUser, userCount, composed, phases, cancellationToken);
                composed = null; // the world's now: a logging run's world gives it back once the neighbour lists are built
                simulationWorld.GivesBackEmbeddings = simulation is null;
                var (files, behaviourCounts, result) = BehaviourStage.Write(
                    simulationWorld, options.Behaviour, options.Seed, output.Shard, simulation, output.Formats, folder.Staging, output.Threads,
                    WorldFilesFolder(catalog ? folder.Staging : output.Directory), progress, cancellationToken);
                loop = result;
                written.AddRange(files);
                counts[BehaviourStage.Name] = behaviourCounts;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var manifest = BuildManifest(world with { Seed = options.Seed }, folder, stages, counts, written, catalog || users);
            if (manifest.Stages.TryGetValue(BehaviourStage.Name, out var simulated) && behaviour)
            {
                manifest.Stages[BehaviourStage.Name] = simulated with
                {
                    Shard = output.Shard?.ToString(),
                    Simulation = simulation is null ? null : new ManifestSimulation
                    {
                        Policy = loop!.Summary.Policy,
                        Arms = simulation.Arms.ToString().ToLowerInvariant(),
                        Recommender = simulation is { StepPolicy: not null, StepMode: StepMode.Slate } ? "outside"
                            : (simulation.Service is null ? simulation.Recommender : RecSynth.Bandits.Recommender.Gorse).ToString().ToLowerInvariant(),
                    },
                };
            }

            folder.Commit(written.Select(w => w.File), replaced, manifest);
            return (manifest, loop);
        }
        catch
        {
            folder.Abort();
            throw;
        }
    }

    /// <summary>
    /// Every problem of a run's options beyond the config's own (which <see cref="RecSynthOptions.EnsureValid"/> checks),
    /// by option path: run.format, run.threads, run.shard, run.stage, simulation.policy, simulation.recommender.
    /// </summary>
    private static List<OptionProblem> Validate(RecSynthOptions options, GenerateOptions output, SimulationOptions? simulation)
    {
        var problems = new List<OptionProblem>();
        if (output.Formats is 0 || (output.Formats & ~(DatasetFormats.Csv | DatasetFormats.Parquet)) != 0)
        {
            problems.Add(new OptionProblem("run.format", output.Formats.ToString(), "must be csv, parquet, or csv,parquet"));
        }

        if (output.Threads is < 1 or > 1024)
        {
            problems.Add(new OptionProblem("run.threads", output.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be in [1, 1024]"));
        }

        bool behaviour = output.Stage is DatasetStage.All or DatasetStage.Behaviour;
        if (output.Shard is { } shard)
        {
            string? why = simulation is not null ? "a closed loop cannot be sharded: its policies may learn across users"
                : !behaviour ? "shards split the behaviour stage: generate the behaviour stage, or all"
                : shard.Index < 0 || shard.Index >= shard.Count || shard.Count is < 1 or > DatasetShard.MaxCount ? "the shard index is 0-based and must be below the number of shards"
                : null;
            if (why is not null)
            {
                problems.Add(new OptionProblem("run.shard", shard.ToString(), why));
            }
        }

        if (simulation is null)
        {
            return problems;
        }

        if (!behaviour)
        {
            problems.Add(new OptionProblem("run.stage", output.Stage.ToString().ToLowerInvariant(), "simulate runs the behaviour: use all or behaviour"));
        }

        if (simulation.StepPolicy is null
            && (!PolicySpec.TryParse(simulation.Policy, PolicyUse.ClosedLoop, out var spec, out string? error) || (error = spec.CheckLevels(options.Behaviour.BlendLevels)) is not null))
        {
            problems.Add(new OptionProblem("simulation.policy", simulation.Policy, error));
        }

        if (simulation.Recommender == RecSynth.Bandits.Recommender.Gorse && simulation.Service is null)
        {
            problems.Add(new OptionProblem("simulation.recommender", "gorse", "needs the server (SimulationOptions.Service)"));
        }

        return problems;
    }

    /// <summary>The folder, in full, when it holds the CSV forms of the catalogue and users (what an outside policy may read); else null.</summary>
    private static string? WorldFilesFolder(string folder) =>
        new[] { CatalogStage.Products, CatalogStage.Embeddings, UsersStage.UsersFile }.All(f => File.Exists(Path.Combine(folder, f))) ? Path.GetFullPath(folder) : null;

    /// <summary>The catalogue and users of an existing dataset: the manifest's config, after checking the files against it.</summary>
    private static RecSynthOptions WorldOf(string directory, CancellationToken cancellationToken)
    {
        string manifestPath = Path.Combine(directory, DatasetManifest.FileName);
        var manifest = DatasetManifest.ReadFolder(directory, "the behaviour stage needs the catalogue and users: generate them first (--stage catalog, --stage users, or --stage all)");
        foreach (string stage in new[] { CatalogStage.Name, UsersStage.Name })
        {
            if (!manifest.Stages.ContainsKey(stage))
            {
                throw new DatasetUsageException($"{directory} has no {stage} stage; the behaviour stage simulates on the catalogue and users in the folder: generate them first (--stage {stage})");
            }
        }

        foreach (var (name, file) in manifest.Files.Where(f => f.Value.Stage is CatalogStage.Name or UsersStage.Name))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                throw new DatasetUsageException($"{path} is missing but listed in the manifest; regenerate the dataset");
            }

            using var stream = File.OpenRead(path);
            string sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (stream.Length != file.Bytes || sha != file.Sha256)
            {
                throw new DatasetUsageException($"{path} does not match the manifest (SHA-256 {sha[..12]}…, expected {file.Sha256[..12]}…): it was changed after it was generated; regenerate it");
            }
        }

        return DatasetOrigin.WorldOf(manifest, manifestPath);
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
        foreach (var (name, stage) in previous.Stages.Where(s => !stages.Contains(s.Key) && s.Key != BehaviourStage.Name))
        {
            var differences = OptionsJson.Differences(stage.Config, config, "catalog.count", "users.count").Where(d => !d.StartsWith("behaviour.", StringComparison.Ordinal)).ToArray();
            if (differences.Length > 0)
            {
                throw new DatasetUsageException(
                    $"{folder.Path} holds a {name} stage made with a different config ({string.Join(", ", differences.Take(5))}{(differences.Length > 5 ? ", …" : "")}); "
                    + "the stages of one dataset must share their config apart from the sizes: regenerate every stage (--stage all --force) or use another folder");
            }
        }
    }

    private static DatasetManifest BuildManifest(
        RecSynthOptions options, OutputFolder folder, string[] stages, SortedDictionary<string, SortedDictionary<string, long>> counts,
        List<(string File, ManifestFile Entry)> written, bool worldReplaced)
    {
        var manifest = new DatasetManifest { Version = ToolVersion };
        if (folder.Previous is { } previous)
        {
            // Keep the stages this run did not touch, with those of their files that are still there; a new
            // catalogue or user base drops the behaviour simulated on the old one.
            bool Kept(string stage) => !stages.Contains(stage) && !(worldReplaced && stage == BehaviourStage.Name);
            foreach (var (name, stage) in previous.Stages.Where(s => Kept(s.Key)))
            {
                manifest.Stages[name] = stage;
            }

            foreach (var (file, entry) in previous.Files.Where(f => Kept(f.Value.Stage) && File.Exists(Path.Combine(folder.Path, f.Key))))
            {
                manifest.Files[file] = entry;
            }
        }

        var config = OptionsJson.ToJson(options);
        foreach (string stage in stages)
        {
            manifest.Stages[stage] = new ManifestStage { Seed = options.Seed, Counts = counts[stage], Config = config };
        }

        foreach (var (file, entry) in written)
        {
            manifest.Files[file] = entry;
        }

        return manifest;
    }
}

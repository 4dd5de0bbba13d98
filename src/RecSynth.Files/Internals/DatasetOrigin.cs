using RecSynth.Configuration;
using RecSynth.Files.Config;

namespace RecSynth.Files.Internals;

/// <summary>
/// What a dataset's behaviour was simulated from, by its manifest: the catalogue and users (their stages' config and
/// seed), and the behaviour stage's own options, seed and closed loop. Each stage is re-created from its own entry, so
/// a behaviour simulated again with another seed or policy (<c>generate --stage behaviour</c>) keeps the world it ran on.
/// </summary>
/// <param name="World">The catalogue and users' options (their seed), with the behaviour stage's behaviour options.</param>
/// <param name="BehaviourSeed">The seed of the behaviour stage.</param>
/// <param name="Simulation">The closed loop that wrote the log (<c>simulate</c>), or null for the logging policy.</param>
internal sealed record DatasetOrigin(RecSynthOptions World, long BehaviourSeed, ManifestSimulation? Simulation)
{
    /// <summary>The rows of sessions.csv by the manifest (0 when it lists none).</summary>
    public long LoggedSessions { get; init; }

    /// <summary>The catalogue and users of a manifest with both stages: the users stage's config and seed with the catalogue stage's catalogue options.</summary>
    public static RecSynthOptions WorldOf(DatasetManifest manifest, string manifestPath) =>
        OptionsJson.FromJson(manifest.Stages[UsersStage.Name].Config, manifestPath) with
        {
            Catalog = OptionsJson.FromJson(manifest.Stages[CatalogStage.Name].Config, manifestPath).Catalog,
        };

    /// <summary>Reads the manifest of <paramref name="directory"/>, which must hold an unsharded behaviour stage over its own catalogue and users.</summary>
    /// <exception cref="DatasetUsageException">No manifest, no behaviour stage, a shard, or a manifest that is not one.</exception>
    public static DatasetOrigin Read(string directory)
    {
        string path = Path.Combine(directory, DatasetManifest.FileName);
        var manifest = DatasetManifest.ReadFolder(directory, "give a folder written by generate or simulate");
        if (!manifest.Stages.TryGetValue(BehaviourStage.Name, out var stage))
        {
            throw new DatasetUsageException(Directory.Exists(Path.Combine(directory, ShardParts.ManifestFolder))
                ? $"{directory} holds its behaviour in shards' parts ({ShardParts.ManifestFolder}/); this needs the log of one unsharded run: generate it whole, or in shard folders joined by `recsynth merge` (docs/sharding.md)"
                : $"{directory} has no behaviour stage: there is no log (generate it with --stage behaviour)");
        }

        if (stage.Shard is not null)
        {
            throw new DatasetUsageException($"{directory} is shard {stage.Shard} of a sharded run: merge the shards first (recsynth merge)");
        }

        foreach (string name in new[] { CatalogStage.Name, UsersStage.Name })
        {
            if (!manifest.Stages.ContainsKey(name))
            {
                throw new DatasetUsageException($"{path} has no {name} stage: the behaviour cannot be re-created without the catalogue and users it ran on");
            }
        }

        var behaviour = OptionsJson.FromJson(stage.Config, path).Behaviour;
        return new DatasetOrigin(WorldOf(manifest, path) with { Behaviour = behaviour }, stage.Seed, stage.Simulation)
        {
            LoggedSessions = manifest.Files.TryGetValue(BehaviourStage.Sessions, out var sessions)
                || manifest.Files.TryGetValue(ParquetTables.ParquetName(BehaviourStage.Sessions), out sessions) ? sessions.Rows : 0,
        };
    }
}

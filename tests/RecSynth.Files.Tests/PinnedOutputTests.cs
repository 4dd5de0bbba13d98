using System.Text;
using RecSynth.Bandits;
using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// The output is pinned: the SHA-256 of every file (the manifest without the tool's version) of a few fixed runs is held in
/// <c>pinned-output.sha256</c> next to this file. Every other determinism test compares one run with another, so an
/// optimisation that changes the bytes would pass them; this one fails. A change of bytes that is meant is recorded in
/// CHANGELOG.md with its reason, and the pins are rewritten with <c>RECSYNTH_UPDATE_PINS=1 dotnet test
/// tests/RecSynth.Files.Tests --filter PinnedOutputTests</c>.
/// </summary>
public sealed class PinnedOutputTests
{
    private static string PinsPath => Path.Combine(Repository.Root, "tests", "RecSynth.Files.Tests", "pinned-output.sha256");

    /// <summary>Each pinned run: a name, and how to write it into a folder.</summary>
    public static TheoryData<string> Runs => [.. s_runs.Keys];

    private static readonly Dictionary<string, Action<string>> s_runs = new(StringComparer.Ordinal)
    {
        // The original scripts' sizes, a year of behaviour, every stage.
        ["seed-preset"] = folder => DatasetGenerator.Generate(RecSynthOptions.FromPreset(Preset.Seed), TestOptions.Output(folder)),

        // The default config: the small preset, its seed, a year (about 85 MB; checked against the build before the
        // engine's rework with bench/ab.py, docs/benchmarks.md).
        ["small-preset"] = folder => DatasetGenerator.Generate(RecSynthOptions.FromPreset(Preset.Small), TestOptions.Output(folder)),

        // A short behaviour run over the blend levels, with the factor files and float64 embeddings.
        ["behaviour-blend"] = folder => DatasetGenerator.Generate(
            TestOptions.Dataset(2_000, 1_000, seed: 7, weeks: 6) with
            {
                Factors = new FactorOptions { Write = true },
                Embedding = new EmbeddingOptions { Dtype = EmbeddingDType.Float64 },
                Behaviour = new BehaviourOptions { Policy = "uniform-blend" },
            },
            TestOptions.Output(folder)),

        // The closed loop: every policy, over both arm sets, and the learned recommender.
        ["simulate-uniform"] = folder => Simulate(folder, "uniform", BanditArms.Two),
        ["simulate-fixed-0.25"] = folder => Simulate(folder, "fixed:0.25", BanditArms.Blend),
        ["simulate-epsilon-greedy"] = folder => Simulate(folder, "epsilon-greedy", BanditArms.Two),
        ["simulate-ucb1"] = folder => Simulate(folder, "ucb1", BanditArms.Blend),
        ["simulate-thompson"] = folder => Simulate(folder, "thompson", BanditArms.Two),
        ["simulate-hierarchical-thompson"] = folder => Simulate(folder, "hierarchical-thompson", BanditArms.Blend),
        ["simulate-contextual"] = folder => Simulate(folder, "contextual", BanditArms.Two),
        ["simulate-curve-thompson"] = folder => Simulate(folder, "curve-thompson", BanditArms.Blend),
        ["simulate-thompson-builtin"] = folder => Simulate(folder, "thompson", BanditArms.Two, Recommender.Builtin),
    };

    private static void Simulate(string folder, string policy, BanditArms arms, Recommender recommender = Recommender.Oracle) =>
        DatasetGenerator.Simulate(
            TestOptions.Dataset(1_200, 400, weeks: 4),
            TestOptions.Output(folder),
            new SimulationOptions { Policy = policy, Arms = arms, Recommender = recommender });

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_files_of_a_fixed_run_have_their_pinned_sha256(string run)
    {
        using var temp = new TempDirectory("pinned");
        string folder = temp.Sub(run);
        s_runs[run](folder);
        var actual = Directory.GetFiles(folder)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => $"{run}/{f}", f => f == DatasetManifest.FileName ? ManifestSha256(Path.Combine(folder, f)) : DatasetFiles.Sha256(Path.Combine(folder, f!)), StringComparer.Ordinal);

        var pins = ReadPins();
        if (Environment.GetEnvironmentVariable("RECSYNTH_UPDATE_PINS") == "1")
        {
            lock (s_runs)
            {
                pins = ReadPins();
                foreach (string key in pins.Keys.Where(k => k.StartsWith(run + "/", StringComparison.Ordinal)).ToList())
                {
                    pins.Remove(key);
                }

                foreach (var (key, sha) in actual)
                {
                    pins[key] = sha;
                }

                File.WriteAllText(PinsPath, string.Concat(pins.Select(p => $"{p.Value}  {p.Key}\n")), Encoding.ASCII);
            }

            return;
        }

        var expected = pins.Where(p => p.Key.StartsWith(run + "/", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
        Assert.True(expected.Count > 0, $"{PinsPath} holds no files of {run}: write them with RECSYNTH_UPDATE_PINS=1");
        var changed = expected.Keys.Union(actual.Keys)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(
            changed.Count == 0,
            $"the bytes of {string.Join(", ", changed)} changed. If that is meant, say why in CHANGELOG.md and rewrite the pins "
            + "(RECSYNTH_UPDATE_PINS=1 dotnet test tests/RecSynth.Files.Tests --filter PinnedOutputTests); otherwise the change altered the output.");
    }

    /// <summary>The manifest's SHA-256 with the tool's version left out: the rest (configs, counts, the files' hashes) is output too.</summary>
    private static string ManifestSha256(string path)
    {
        string text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "\"version\": \"[^\"]*\"", "\"version\": \"\"");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static SortedDictionary<string, string> ReadPins()
    {
        var pins = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(PinsPath))
        {
            foreach (string line in File.ReadLines(PinsPath).Where(l => l.Length > 0))
            {
                string[] parts = line.Split("  ", 2);
                pins[parts[1]] = parts[0];
            }
        }

        return pins;
    }
}

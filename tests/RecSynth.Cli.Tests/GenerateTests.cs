using System.Text.RegularExpressions;
using RecSynth.Files;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

public sealed partial class GenerateTests
{
    private static readonly string[] s_datasetFiles = Datasets.All;

    /// <summary>Weeks simulated over the default period, 2023-01-01 to 2024-01-01 (the last one partial).</summary>
    private const int YearWeeks = 53;

    /// <summary>
    /// A phase's progress: its name, counts and unit, the percentage, a rate when there is one, and the ETA or the
    /// duration, in the one time format (m:ss).
    /// </summary>
    [GeneratedRegex(@"^recsynth: (?<name>[A-Za-z_. ]+?) (?<done>[\d,.]+[kMG]?)/(?<total>[\d,.]+[kMG]?) (?<unit>[a-z]+)( \((?<percent>\d+)%\))?(, (?<rate>[\d,.]+[kMG]?) (?<rateunit>[a-z]+)/s)?(, ETA \d+:\d\d(:\d\d)?|, done in \d+:\d\d(:\d\d)?)?$")]
    private static partial Regex ProgressLine();

    /// <summary>The phases of the behaviour stage before its weeks, with their units.</summary>
    internal static readonly (string Phase, string Unit)[] WorldPhases =
        [("world products", "products"), ("world users", "users"), ("CF pools", "communities"), ("image index", "products"), ("neighbour lists", "products")];

    /// <summary>
    /// Every stderr line is a plain progress line of at most 80 columns, every file ends with a 100 % "done" line with
    /// its row count, and the behaviour (when <paramref name="weeks"/> is given) with its world's phases and one for
    /// its weeks; without, there is no behaviour line.
    /// </summary>
    internal static void AssertPlainProgress(string stderr, int? weeks, params (string File, int Rows)[] files)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (string line in lines)
        {
            Assert.True(ProgressLine().IsMatch(line), $"not a plain progress line: \"{line}\"\n--- stderr ---\n{stderr}");
            Assert.True(line.Length <= 80, $"longer than 80 columns: \"{line}\"");
            Assert.DoesNotContain('\u001b', line); // no terminal escapes when stderr is not a terminal
        }

        foreach (var (file, rows) in files)
        {
            string total = rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(
                lines.Any(l => l.StartsWith($"recsynth: {file} {total}/{total} rows (100%)", StringComparison.Ordinal) && l.Contains("done in", StringComparison.Ordinal)),
                $"no final progress line for {file} ({total} rows) in:\n{stderr}");
        }

        if (weeks is int w)
        {
            foreach (var (phase, unit) in WorldPhases)
            {
                Assert.True(
                    lines.Any(l => ProgressLine().Match(l) is { Success: true } m && m.Groups["name"].Value == phase && m.Groups["unit"].Value == unit
                        && m.Groups["done"].Value == m.Groups["total"].Value && l.Contains("done in", StringComparison.Ordinal)),
                    $"no final progress line for {phase} in:\n{stderr}");
            }

            Assert.True(
                lines.Any(l => l.StartsWith($"recsynth: behaviour {w}/{w} weeks (100%)", StringComparison.Ordinal) && l.Contains("done in", StringComparison.Ordinal)),
                $"no final progress line for the behaviour ({w} weeks) in:\n{stderr}");
        }
        else
        {
            Assert.DoesNotContain("recsynth: behaviour", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("recsynth: world", stderr, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"\u001b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    /// <summary>
    /// The summary: "Wrote DIR (seed N) in …" and a row per file. In-process, stdout is a StringWriter whose colours
    /// Spectre decides from TERM, so escapes are stripped there; the child-process tests check there are none.
    /// </summary>
    private static void AssertSummary(string stdout, string folder, long seed, params string[] files)
    {
        stdout = AnsiEscape().Replace(stdout, "");
        Assert.Contains("Wrote", stdout, StringComparison.Ordinal);
        Assert.Contains($"(seed {seed})", stdout, StringComparison.Ordinal);
        foreach (string file in files)
        {
            Assert.Matches(@"(?m)^\s*" + Regex.Escape(file) + @"\s+[\d,]+\s", stdout);
        }

        Assert.Contains(Path.GetFileName(folder), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_seed_preset_writes_a_complete_dataset_with_a_summary_on_stdout_and_progress_lines_on_stderr()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "--preset", "seed", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        Assert.Equal(1000, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(11, Datasets.CsvRows(Path.Combine(output, "users.csv")));
        Assert.Equal(11, Datasets.CsvRows(Path.Combine(output, "ground_truth.csv")));
        var files = Datasets.ManifestFiles(output);
        Assert.Equal((1000L, 1000L, 11L, 11L), (files["products.csv"].Rows, files["embeddings.npy"].Rows, files["users.csv"].Rows, files["ground_truth.csv"].Rows));
        Assert.Equal(("catalog", "catalog", "users"), (files["products.csv"].Stage, files["embeddings.npy"].Stage, files["users.csv"].Stage));
        Assert.Equal(("behaviour", "behaviour", "behaviour"), (files["interactions.csv"].Stage, files["sessions.csv"].Stage, files["ground_truth.csv"].Stage));
        Assert.Equal(Datasets.CsvRows(Path.Combine(output, "interactions.csv")), files["interactions.csv"].Rows);
        Assert.Equal(Datasets.CsvRows(Path.Combine(output, "sessions.csv")), files["sessions.csv"].Rows);
        Assert.True(files["sessions.csv"].Rows > 0, "a year of 11 users has no sessions");
        using (var manifest = Datasets.ReadManifest(output))
        {
            Assert.Equal("recsynth", manifest.RootElement.GetProperty("tool").GetString());
            Assert.Equal(DatasetGenerator.ToolVersion, manifest.RootElement.GetProperty("version").GetString());
        }

        Assert.Equal((42L, 1000L), (Datasets.ManifestStage(output, "catalog").Seed, Datasets.ManifestStage(output, "catalog").Counts["products"]));
        Assert.Equal((42L, 11L), (Datasets.ManifestStage(output, "users").Seed, Datasets.ManifestStage(output, "users").Counts["users"]));
        var behaviour = Datasets.ManifestStage(output, "behaviour");
        Assert.Equal((42L, files["sessions.csv"].Rows, files["interactions.csv"].Rows), (behaviour.Seed, behaviour.Counts["sessions"], behaviour.Counts["interactions"]));
        AssertSummary(result.StdOut, output, 42, s_datasetFiles);
        AssertPlainProgress(result.StdErr, YearWeeks, ("products.csv", 1000), ("embeddings.npy", 1000), ("users.csv", 11));
    }

    [Fact]
    public async Task Explicit_sizes_give_that_many_products_and_users()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));

        var result = await Cli.RunAsync("generate", "-c", config, "--products", "2000", "--users", "500", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        Assert.Equal(2000, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(500, Datasets.CsvRows(Path.Combine(output, "users.csv")));
        Assert.Equal(500, Datasets.CsvRows(Path.Combine(output, "ground_truth.csv"))); // a row per user
        Assert.Equal(2000 * 512 * 4 + 128, new FileInfo(Path.Combine(output, "embeddings.npy")).Length); // float32 (2000, 512) after a 128-byte header
        AssertPlainProgress(result.StdErr, 2, ("products.csv", 2000), ("embeddings.npy", 2000), ("users.csv", 500));
    }

    [Fact]
    public async Task Quiet_prints_nothing_on_stdout_or_stderr()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "--preset", "seed", "-o", output, "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Equal("", result.StdErr);
        Datasets.AssertComplete(output, s_datasetFiles);

        var shortForm = await Cli.RunAsync("generate", "--preset", "seed", "-o", temp.Sub("short"), "-q");
        Assert.Equal((0, "", ""), (shortForm.ExitCode, shortForm.StdOut, shortForm.StdErr));
    }

    [Fact]
    public void A_child_process_writes_generated_data_in_the_working_folder_with_summary_on_stdout_and_progress_on_redirected_stderr()
    {
        using var temp = new TempDirectory("gen");

        var result = Cli.RunProcess(["generate", "--preset", "seed"], workingDirectory: temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        string output = Path.Combine(temp.Path, "generated_data");
        Assert.Equal([output], Directory.GetFileSystemEntries(temp.Path));
        Datasets.AssertComplete(output, s_datasetFiles);
        AssertSummary(result.StdOut, output, 42, s_datasetFiles);
        Assert.DoesNotContain('\u001b', result.StdOut); // stdout is a pipe: no colours
        AssertPlainProgress(result.StdErr, YearWeeks, ("products.csv", 1000), ("embeddings.npy", 1000), ("users.csv", 11));
    }

    [Fact]
    public async Task The_catalog_users_and_behaviour_stages_into_the_same_folder_keep_the_earlier_stages()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");

        var catalog = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "catalog", "-o", output);

        Assert.True(catalog.ExitCode == 0, catalog.ToString());
        Datasets.AssertComplete(output, "embeddings.npy", "products.csv");
        var catalogFiles = Datasets.Snapshot(output);
        AssertPlainProgress(catalog.StdErr, null, ("products.csv", 1000), ("embeddings.npy", 1000));
        Assert.DoesNotContain("users.csv", catalog.StdErr, StringComparison.Ordinal);

        var users = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "users", "-o", output);

        Assert.True(users.ExitCode == 0, users.ToString());
        Datasets.AssertComplete(output, Datasets.CatalogAndUsers);
        var after = Datasets.Snapshot(output);
        Assert.Equal(catalogFiles["products.csv"], after["products.csv"]);
        Assert.Equal(catalogFiles["embeddings.npy"], after["embeddings.npy"]);
        Assert.Equal(["catalog", "users"], Datasets.ManifestStages(output));
        AssertPlainProgress(users.StdErr, null, ("users.csv", 11));
        Assert.DoesNotContain("products.csv", users.StdErr, StringComparison.Ordinal);

        // The behaviour stage simulates on the catalogue and users in the folder; their files stay as they are.
        var behaviour = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "behaviour", "-o", output);

        Assert.True(behaviour.ExitCode == 0, behaviour.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        var world = Datasets.Snapshot(output);
        foreach (string file in Datasets.CatalogAndUsers)
        {
            Assert.Equal(after[file], world[file]);
        }

        Assert.Equal(["behaviour", "catalog", "users"], Datasets.ManifestStages(output));
        AssertPlainProgress(behaviour.StdErr, YearWeeks);
        AssertSummary(behaviour.StdOut, output, 42, Datasets.Behaviour);

        // The three stages in one folder are the same dataset as one run of all of them.
        var whole = await Cli.RunAsync("generate", "--preset", "seed", "-o", temp.Sub("whole"), "--quiet");
        Assert.Equal(0, whole.ExitCode);
        Datasets.AssertIdentical(temp.Sub("whole"), output);

        // A new catalogue makes the behaviour simulated on the old one stale: regenerating it drops the behaviour stage.
        var recatalog = await Cli.RunAsync("generate", "--preset", "seed", "--products", "800", "--stage", "catalog", "-o", output, "--force", "--quiet");

        Assert.True(recatalog.ExitCode == 0, recatalog.ToString());
        Datasets.AssertComplete(output, Datasets.CatalogAndUsers);
        Assert.Equal(["catalog", "users"], Datasets.ManifestStages(output));
        Assert.Equal(800, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(world["users.csv"], Datasets.Snapshot(output)["users.csv"]);

        // And the behaviour stage runs again on the new catalogue, here with another logging policy.
        var again = await Cli.RunAsync("generate", "--stage", "behaviour", "--policy", "fixed:image", "-o", output, "--quiet");

        Assert.True(again.ExitCode == 0, again.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        Assert.Equal(800, Datasets.ManifestStage(output, "catalog").Counts["products"]);
        string[][] sessions = Datasets.CsvFields(Path.Combine(output, "sessions.csv"));
        Assert.True(sessions.Length > 1, "no sessions");
        int policy = Array.IndexOf(sessions[0], "Policy"), arm = Array.IndexOf(sessions[0], "Arm");
        Assert.All(sessions.Skip(1), r => Assert.Equal(("fixed:image", "image"), (r[policy], r[arm])));
    }

    [Fact]
    public async Task Format_parquet_writes_every_table_as_parquet_and_csv_parquet_writes_both()
    {
        using var temp = new TempDirectory("formats");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(1));
        string[] tables = ["ground_truth", "interactions", "products", "sessions", "users"];

        var parquet = await Cli.RunAsync("generate", "-c", config, "--preset", "seed", "--format", "parquet", "-o", temp.Sub("p"), "--quiet");
        var both = await Cli.RunAsync("generate", "-c", config, "--preset", "seed", "--format", "csv,parquet", "-o", temp.Sub("b"), "--quiet");

        Assert.True(parquet.ExitCode == 0, parquet.ToString());
        Assert.True(both.ExitCode == 0, both.ToString());
        Datasets.AssertComplete(temp.Sub("p"), [.. tables.Select(t => t + ".parquet"), "embeddings.npy"]);
        Datasets.AssertComplete(temp.Sub("b"), [.. tables.Select(t => t + ".parquet"), .. Datasets.All]);
        foreach (string table in tables)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(temp.Sub("p"), table + ".parquet"));
            Assert.True(bytes.AsSpan(0, 4).SequenceEqual("PAR1"u8) && bytes.AsSpan(bytes.Length - 4).SequenceEqual("PAR1"u8), $"{table}.parquet is not a Parquet file");
            Assert.Equal(Datasets.Sha256(Path.Combine(temp.Sub("p"), table + ".parquet")), Datasets.Sha256(Path.Combine(temp.Sub("b"), table + ".parquet")));
        }
    }

    [Fact]
    public async Task Three_shards_merged_give_the_folder_of_one_unsharded_run_byte_for_byte()
    {
        using var temp = new TempDirectory("shards");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));
        string[] sizes = ["-c", config, "--products", "1500", "--users", "700"];

        var whole = await Cli.RunAsync(["generate", .. sizes, "-o", temp.Sub("whole"), "--quiet"]);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        foreach (int k in new[] { 0, 1, 2 })
        {
            var shard = await Cli.RunAsync(["generate", .. sizes, "--shard", $"{k}/3", "-o", temp.Sub("shard" + k), "--quiet"]);
            Assert.True(shard.ExitCode == 0, shard.ToString());
            Assert.True(Datasets.CsvRows(Path.Combine(temp.Sub("shard" + k), "sessions.csv")) < Datasets.CsvRows(Path.Combine(temp.Sub("whole"), "sessions.csv")));
        }

        var merged = await Cli.RunAsync("merge", temp.Sub("shard1"), temp.Sub("shard2"), temp.Sub("shard0"), "-o", temp.Sub("merged"));

        Assert.True(merged.ExitCode == 0, merged.ToString());
        Assert.Contains("interactions.csv", merged.StdOut, StringComparison.Ordinal); // the summary table
        Datasets.AssertComplete(temp.Sub("merged"), s_datasetFiles);
        Datasets.AssertIdentical(temp.Sub("whole"), temp.Sub("merged"));
    }

    [Fact]
    public async Task One_thread_and_eight_threads_give_byte_identical_folders_including_the_factor_files()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("factors.toml");
        File.WriteAllText(config, Datasets.Weeks(2) + "[factors]\nwrite = true\n");

        var one = await Cli.RunAsync("generate", "-c", config, "--products", "2000", "--users", "500", "--threads", "1", "-o", temp.Sub("t1"), "--quiet");
        var eight = await Cli.RunAsync("generate", "-c", config, "--products", "2000", "--users", "500", "--threads", "8", "-o", temp.Sub("t8"), "--quiet");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(eight.ExitCode == 0, eight.ToString());
        string[] all = [.. s_datasetFiles, "item_factors.npy", "user_factors.npy"];
        Datasets.AssertComplete(temp.Sub("t1"), all);
        Datasets.AssertComplete(temp.Sub("t8"), all);
        Datasets.AssertIdentical(temp.Sub("t1"), temp.Sub("t8"));
    }

    [Fact]
    public void The_files_do_not_depend_on_the_vector_instructions_of_the_machine()
    {
        // Shards run on other machines: the bytes must not depend on AVX-512, AVX2 or any SIMD at all. The runtime's
        // switches disable them one by one in child processes; float32 and float64 embeddings are both compared.
        // Every stage (the behaviour's dot products and sums too), over two weeks to keep eight runs fast.
        using var temp = new TempDirectory("hw");
        string f32 = temp.File("f32.toml");
        string config = temp.File("f64.toml");
        File.WriteAllText(f32, Datasets.Weeks(2));
        File.WriteAllText(config, Datasets.Weeks(2) + "[embedding]\ndtype = \"float64\"\n[factors]\nwrite = true\n");
        var settings = new (string Name, Dictionary<string, string> Environment)[]
        {
            ("default", []),
            ("no-avx512", new() { ["DOTNET_EnableAVX512F"] = "0" }),
            ("no-avx2", new() { ["DOTNET_EnableAVX2"] = "0" }),
            ("no-simd", new() { ["DOTNET_EnableHWIntrinsic"] = "0" }),
        };
        foreach (var (name, environment) in settings)
        {
            foreach (var (kind, extra) in new[] { ("f32", new[] { "-c", f32 }), ("f64", new[] { "-c", config }) })
            {
                var result = Cli.RunProcess(["generate", .. extra, "--products", "1500", "--users", "300", "-o", temp.Sub(name + "-" + kind), "--quiet"], environment: environment);
                Assert.True(result.ExitCode == 0, result.ToString());
            }
        }

        Datasets.AssertComplete(temp.Sub("default-f32"), s_datasetFiles);
        Datasets.AssertComplete(temp.Sub("default-f64"), [.. s_datasetFiles, "item_factors.npy", "user_factors.npy"]);
        foreach (var (name, _) in settings.Skip(1))
        {
            Datasets.AssertIdentical(temp.Sub("default-f32"), temp.Sub(name + "-f32"));
            Datasets.AssertIdentical(temp.Sub("default-f64"), temp.Sub(name + "-f64"));
        }
    }

    [Fact]
    public async Task Seed_7_gives_different_files_from_the_default_seed_and_is_recorded()
    {
        using var temp = new TempDirectory("gen");

        var defaults = await Cli.RunAsync("generate", "--preset", "seed", "-o", temp.Sub("s42"), "--quiet");
        var seven = await Cli.RunAsync("generate", "--preset", "seed", "--seed", "7", "-o", temp.Sub("s7"));

        Assert.True(defaults.ExitCode == 0, defaults.ToString());
        Assert.True(seven.ExitCode == 0, seven.ToString());
        var a = Datasets.Snapshot(temp.Sub("s42"));
        var b = Datasets.Snapshot(temp.Sub("s7"));
        foreach (string file in s_datasetFiles)
        {
            Assert.True(a[file] != b[file], $"{file} is the same with --seed 7 as with the default seed");
        }

        Assert.Equal(42, Datasets.ManifestStage(temp.Sub("s42"), "catalog").Seed);
        Assert.Equal(7, Datasets.ManifestStage(temp.Sub("s7"), "catalog").Seed);
        Assert.Equal(7, Datasets.ManifestStage(temp.Sub("s7"), "users").Seed);
        Assert.Equal(7, Datasets.ManifestStage(temp.Sub("s7"), "behaviour").Seed);
        Assert.Contains("(seed 7)", seven.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_products_option_overrides_the_config_count_and_the_config_seed_still_applies()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("config.toml");
        File.WriteAllText(config, "seed = 5\n\n[catalog]\ncount = 3000\n\n[users]\ncount = 40\n\n" + Datasets.Weeks(2));
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "--products", "1200", "-o", output, "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1200, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(40, Datasets.CsvRows(Path.Combine(output, "users.csv")));
        Assert.Equal((5L, 1200L), (Datasets.ManifestStage(output, "catalog").Seed, Datasets.ManifestStage(output, "catalog").Counts["products"]));
        Assert.Equal((5L, 40L), (Datasets.ManifestStage(output, "users").Seed, Datasets.ManifestStage(output, "users").Counts["users"]));
        Assert.Equal(5L, Datasets.ManifestStage(output, "behaviour").Seed);
        Assert.Equal(40, Datasets.CsvRows(Path.Combine(output, "ground_truth.csv")));
        using var manifest = Datasets.ReadManifest(output);
        Assert.Equal("2023-01-15T00:00:00Z", manifest.RootElement.GetProperty("stages").GetProperty("behaviour").GetProperty("config").GetProperty("time").GetProperty("end").GetString());
    }

    [Fact]
    public async Task The_seed_and_users_options_override_the_config()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("config.toml");
        File.WriteAllText(config, "seed = 5\n\n[catalog]\ncount = 300\n\n[users]\ncount = 40\n");

        var fromConfig = await Cli.RunAsync("generate", "-c", config, "-o", temp.Sub("config-seed"), "--quiet");
        var overridden = await Cli.RunAsync("generate", "-c", config, "--seed", "9", "--users", "25", "-o", temp.Sub("option-seed"), "--quiet");
        var sameSeedNoConfig = await Cli.RunAsync("generate", "--seed", "9", "--products", "300", "--users", "25", "-o", temp.Sub("no-config"), "--quiet");

        Assert.True(fromConfig.ExitCode == 0, fromConfig.ToString());
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.True(sameSeedNoConfig.ExitCode == 0, sameSeedNoConfig.ToString());
        Assert.Equal(5, Datasets.ManifestStage(temp.Sub("config-seed"), "catalog").Seed);
        Assert.Equal(9, Datasets.ManifestStage(temp.Sub("option-seed"), "catalog").Seed);
        Assert.Equal(25, Datasets.CsvRows(Path.Combine(temp.Sub("option-seed"), "users.csv")));
        // The config only set the seed and the sizes, so with the options winning it is the same as no config at all.
        Datasets.AssertIdentical(temp.Sub("no-config"), temp.Sub("option-seed"));
    }

    [Fact]
    public async Task The_preset_option_overrides_the_config_sizes()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("config.toml");
        File.WriteAllText(config, "[catalog]\ncount = 3000\n\n[users]\ncount = 40\n");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "--preset", "seed", "-o", output, "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1000, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(11, Datasets.CsvRows(Path.Combine(output, "users.csv")));
    }

    [Fact]
    public async Task Force_regenerates_an_existing_dataset_in_place()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "--preset", "seed", "-o", output, "--quiet")).ExitCode);
        var before = Datasets.Snapshot(output);

        var result = await Cli.RunAsync("generate", "--preset", "seed", "--seed", "7", "-o", output, "--force", "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        Assert.Equal(7, Datasets.ManifestStage(output, "catalog").Seed);
        Assert.Equal(7, Datasets.ManifestStage(output, "behaviour").Seed);
        Assert.NotEqual(before["products.csv"], Datasets.Snapshot(output)["products.csv"]);
        Assert.NotEqual(before["sessions.csv"], Datasets.Snapshot(output)["sessions.csv"]);
    }

    [Fact]
    public void The_summary_names_the_output_folder_in_full_even_when_its_path_is_long()
    {
        using var temp = new TempDirectory("gen");
        string output = Path.Combine(temp.Path, "a-folder-with-a-rather-long-name-for-datasets", "another-long-folder-name-below-it", "data");

        var result = Cli.RunProcess(["generate", "--preset", "seed", "-o", output]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(
            result.StdOut.Contains("Wrote " + output + " (seed 42)", StringComparison.Ordinal),
            $"stdout is a pipe, yet the summary is wrapped at 80 columns and splits the path {output}:\n{result.StdOut}");
    }
}

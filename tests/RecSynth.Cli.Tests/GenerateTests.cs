using System.Text.RegularExpressions;
using RecSynth.Files;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

public sealed partial class GenerateTests
{
    private static readonly string[] s_datasetFiles = ["embeddings.npy", "products.csv", "users.csv"];

    [GeneratedRegex(@"^recsynth: (?<file>[a-z_]+\.(csv|npy)) (?<done>[\d,]+)/(?<total>[\d,]+) rows \((?<percent>\d+)%\), [\d,]+ rows/s, (ETA \S+|done in \S+)$")]
    private static partial Regex ProgressLine();

    /// <summary>Every stderr line is a plain progress line, and every file ends with a 100 % "done" line with its row count.</summary>
    private static void AssertPlainProgress(string stderr, params (string File, int Rows)[] files)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (string line in lines)
        {
            Assert.True(ProgressLine().IsMatch(line), $"not a plain progress line: \"{line}\"\n--- stderr ---\n{stderr}");
            Assert.DoesNotContain('\u001b', line); // no terminal escapes when stderr is not a terminal
        }

        foreach (var (file, rows) in files)
        {
            string total = rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(
                lines.Any(l => l.StartsWith($"recsynth: {file} {total}/{total} rows (100%)", StringComparison.Ordinal) && l.Contains("done in", StringComparison.Ordinal)),
                $"no final progress line for {file} ({total} rows) in:\n{stderr}");
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
        var files = Datasets.ManifestFiles(output);
        Assert.Equal((1000L, 1000L, 11L), (files["products.csv"].Rows, files["embeddings.npy"].Rows, files["users.csv"].Rows));
        Assert.Equal(("catalog", "catalog", "users"), (files["products.csv"].Stage, files["embeddings.npy"].Stage, files["users.csv"].Stage));
        using (var manifest = Datasets.ReadManifest(output))
        {
            Assert.Equal("recsynth", manifest.RootElement.GetProperty("tool").GetString());
            Assert.Equal(DatasetGenerator.ToolVersion, manifest.RootElement.GetProperty("version").GetString());
        }

        Assert.Equal((42L, 1000L), (Datasets.ManifestStage(output, "catalog").Seed, Datasets.ManifestStage(output, "catalog").Counts["products"]));
        Assert.Equal((42L, 11L), (Datasets.ManifestStage(output, "users").Seed, Datasets.ManifestStage(output, "users").Counts["users"]));
        AssertSummary(result.StdOut, output, 42, s_datasetFiles);
        AssertPlainProgress(result.StdErr, ("products.csv", 1000), ("embeddings.npy", 1000), ("users.csv", 11));
    }

    [Fact]
    public async Task Explicit_sizes_give_that_many_products_and_users()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "--products", "2000", "--users", "500", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        Assert.Equal(2000, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(500, Datasets.CsvRows(Path.Combine(output, "users.csv")));
        Assert.Equal(2000 * 512 * 4 + 128, new FileInfo(Path.Combine(output, "embeddings.npy")).Length); // float32 (2000, 512) after a 128-byte header
        AssertPlainProgress(result.StdErr, ("products.csv", 2000), ("embeddings.npy", 2000), ("users.csv", 500));
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
        AssertPlainProgress(result.StdErr, ("products.csv", 1000), ("embeddings.npy", 1000), ("users.csv", 11));
    }

    [Fact]
    public async Task The_catalog_stage_then_the_users_stage_into_the_same_folder_keeps_the_catalogue()
    {
        using var temp = new TempDirectory("gen");
        string output = temp.Sub("data");

        var catalog = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "catalog", "-o", output);

        Assert.True(catalog.ExitCode == 0, catalog.ToString());
        Datasets.AssertComplete(output, "embeddings.npy", "products.csv");
        var catalogFiles = Datasets.Snapshot(output);
        AssertPlainProgress(catalog.StdErr, ("products.csv", 1000), ("embeddings.npy", 1000));
        Assert.DoesNotContain("users.csv", catalog.StdErr, StringComparison.Ordinal);

        var users = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "users", "-o", output);

        Assert.True(users.ExitCode == 0, users.ToString());
        Datasets.AssertComplete(output, s_datasetFiles);
        var after = Datasets.Snapshot(output);
        Assert.Equal(catalogFiles["products.csv"], after["products.csv"]);
        Assert.Equal(catalogFiles["embeddings.npy"], after["embeddings.npy"]);
        Assert.Equal(["catalog", "users"], Datasets.ReadManifest(output).RootElement.GetProperty("stages").EnumerateObject().Select(s => s.Name));
        AssertPlainProgress(users.StdErr, ("users.csv", 11));
        Assert.DoesNotContain("products.csv", users.StdErr, StringComparison.Ordinal);

        // The two stages in one folder are the same dataset as one run of both.
        var whole = await Cli.RunAsync("generate", "--preset", "seed", "-o", temp.Sub("whole"), "--quiet");
        Assert.Equal(0, whole.ExitCode);
        Datasets.AssertIdentical(temp.Sub("whole"), output);
    }

    [Fact]
    public async Task One_thread_and_eight_threads_give_byte_identical_folders_including_the_factor_files()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("factors.toml");
        File.WriteAllText(config, "[factors]\nwrite = true\n");

        var one = await Cli.RunAsync("generate", "-c", config, "--products", "2000", "--users", "500", "--threads", "1", "-o", temp.Sub("t1"), "--quiet");
        var eight = await Cli.RunAsync("generate", "-c", config, "--products", "2000", "--users", "500", "--threads", "8", "-o", temp.Sub("t8"), "--quiet");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(eight.ExitCode == 0, eight.ToString());
        string[] all = ["embeddings.npy", "item_factors.npy", "products.csv", "user_factors.npy", "users.csv"];
        Datasets.AssertComplete(temp.Sub("t1"), all);
        Datasets.AssertComplete(temp.Sub("t8"), all);
        Datasets.AssertIdentical(temp.Sub("t1"), temp.Sub("t8"));
    }

    [Fact]
    public void The_files_do_not_depend_on_the_vector_instructions_of_the_machine()
    {
        // Shards run on other machines: the bytes must not depend on AVX-512, AVX2 or any SIMD at all. The runtime's
        // switches disable them one by one in child processes; float32 and float64 embeddings are both compared.
        using var temp = new TempDirectory("hw");
        string config = temp.File("f64.toml");
        File.WriteAllText(config, "[embedding]\ndtype = \"float64\"\n[factors]\nwrite = true\n");
        var settings = new (string Name, Dictionary<string, string> Environment)[]
        {
            ("default", []),
            ("no-avx512", new() { ["DOTNET_EnableAVX512F"] = "0" }),
            ("no-avx2", new() { ["DOTNET_EnableAVX2"] = "0" }),
            ("no-simd", new() { ["DOTNET_EnableHWIntrinsic"] = "0" }),
        };
        foreach (var (name, environment) in settings)
        {
            foreach (var (kind, extra) in new[] { ("f32", Array.Empty<string>()), ("f64", new[] { "-c", config }) })
            {
                var result = Cli.RunProcess(["generate", .. extra, "--products", "1500", "--users", "300", "-o", temp.Sub(name + "-" + kind), "--quiet"], environment: environment);
                Assert.True(result.ExitCode == 0, result.ToString());
            }
        }

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
        Assert.Contains("(seed 7)", seven.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_products_option_overrides_the_config_count_and_the_config_seed_still_applies()
    {
        using var temp = new TempDirectory("gen");
        string config = temp.File("config.toml");
        File.WriteAllText(config, "seed = 5\n\n[catalog]\ncount = 3000\n\n[users]\ncount = 40\n");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "--products", "1200", "-o", output, "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1200, Datasets.CsvRows(Path.Combine(output, "products.csv")));
        Assert.Equal(40, Datasets.CsvRows(Path.Combine(output, "users.csv")));
        Assert.Equal((5L, 1200L), (Datasets.ManifestStage(output, "catalog").Seed, Datasets.ManifestStage(output, "catalog").Counts["products"]));
        Assert.Equal((5L, 40L), (Datasets.ManifestStage(output, "users").Seed, Datasets.ManifestStage(output, "users").Counts["users"]));
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
        Assert.NotEqual(before["products.csv"], Datasets.Snapshot(output)["products.csv"]);
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

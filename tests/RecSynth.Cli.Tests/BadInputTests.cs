using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Every bad input: the right exit code, one clear message on stderr naming what is wrong and where, nothing on stdout,
/// and no dataset left behind.
/// </summary>
public sealed class BadInputTests
{
    /// <summary>Runs generate into a new folder that must still not exist afterwards; asserts the exit code and one message.</summary>
    private static async Task<CliResult> RefusedAsync(int exitCode, params string[] args)
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync(["generate", "-o", output, .. args]);

        AssertRefused(result, exitCode);
        Datasets.AssertNotCreated(output, result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
        return result;
    }

    private static void AssertRefused(CliResult result, int exitCode)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit code {exitCode}, got {result}");
        Assert.True(result.ErrorCount == 1, $"expected one error message on stderr, got {result}");
        Assert.Equal("", result.StdOut);
        Assert.DoesNotContain("done in", result.StdErr, StringComparison.Ordinal); // refused before anything was written
    }

    private static string WriteConfig(TempDirectory temp, string text)
    {
        string path = temp.File("bad.toml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs generate with a config file; asserts exit 2, one message and no output folder; returns stderr.</summary>
    private static async Task<string> RefusedConfigAsync(string configText)
    {
        using var temp = new TempDirectory("badcfg");
        string config = WriteConfig(temp, configText);
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "-o", output);

        AssertRefused(result, 2);
        Datasets.AssertNotCreated(output, result);
        Assert.Equal([config], Directory.GetFileSystemEntries(temp.Path));
        return result.StdErr.Replace(config, "CONFIG", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_products_option_exits_2_naming_the_option()
    {
        var result = await RefusedAsync(2, "--products", "-5");

        Assert.Contains("--products", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("-5", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_products_option_exits_2_naming_the_option()
    {
        var result = await RefusedAsync(2, "--products", "0");

        Assert.Contains("--products = 0", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_users_option_exits_2_naming_the_option()
    {
        var result = await RefusedAsync(2, "--users", "0");

        Assert.Contains("--users = 0", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("users.count", result.StdErr, StringComparison.Ordinal); // the option, not the key it sets
    }

    [Fact]
    public async Task A_negative_seed_option_exits_2_naming_the_option()
    {
        var result = await RefusedAsync(2, "--seed", "-1");

        Assert.Contains("--seed", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_count_in_the_config_exits_2_naming_the_key_file_and_line()
    {
        string stderr = await RefusedConfigAsync("seed = 1\n\n[catalog]\ncount = 0\n");

        Assert.Contains("CONFIG:4", stderr, StringComparison.Ordinal);
        Assert.Contains("catalog.count = 0", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_of_range_probability_in_the_config_exits_2_naming_the_key_file_and_line()
    {
        string stderr = await RefusedConfigAsync("[catalog]\ncount = 1000\nlisted_during_share = 1.5\n");

        Assert.Contains("CONFIG:3", stderr, StringComparison.Ordinal);
        Assert.Contains("catalog.listed_during_share = 1.5", stderr, StringComparison.Ordinal);
        Assert.Contains("[0, 1]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_of_range_share_in_a_nested_table_names_the_full_key_and_its_line()
    {
        string stderr = await RefusedConfigAsync("[users]\ncount = 10\n\n[users.drift]\n\nshare = 2\n");

        Assert.Contains("CONFIG:6", stderr, StringComparison.Ordinal);
        Assert.Contains("users.drift.share = 2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_window_that_ends_before_it_starts_exits_2_naming_both_ends()
    {
        string stderr = await RefusedConfigAsync("[time]\nstart = 2024-01-01T00:00:00Z\nend = 2023-06-01T00:00:00Z\n");

        Assert.Contains("time.end", stderr, StringComparison.Ordinal);
        Assert.Contains("2023-06-01", stderr, StringComparison.Ordinal);
        Assert.Contains("after time.start", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[0.0, 0.5, 1.5]", "1.5")]
    [InlineData("[-0.25, 0.0, 1.0]", "-0.25")]
    public async Task A_blend_level_outside_0_1_exits_2_naming_the_key_and_the_value(string levels, string bad)
    {
        string stderr = await RefusedConfigAsync($"[behaviour]\nblend_levels = {levels}\n");

        Assert.Contains("CONFIG:2", stderr, StringComparison.Ordinal);
        Assert.Contains("behaviour.blend_levels", stderr, StringComparison.Ordinal);
        Assert.Contains(bad, stderr, StringComparison.Ordinal);
        Assert.Contains("[0, 1]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_in_the_config_exits_2_naming_it_with_a_suggestion_file_and_line()
    {
        string stderr = await RefusedConfigAsync("seed = 1\n[catalog]\ncount = 1000\ncolour = 3\n");

        Assert.Contains("CONFIG:4", stderr, StringComparison.Ordinal);
        Assert.Contains("catalog.colour", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown key", stderr, StringComparison.Ordinal);
        Assert.Contains("colors", stderr, StringComparison.Ordinal); // did you mean
    }

    [Fact]
    public async Task A_malformed_config_exits_2_naming_the_file_and_line()
    {
        string stderr = await RefusedConfigAsync("seed = 1\n[catalog\ncount = 1000\n");

        Assert.Contains("CONFIG:2", stderr, StringComparison.Ordinal);
        Assert.Contains("TOML", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_in_the_config_exits_2_naming_the_key()
    {
        string stderr = await RefusedConfigAsync("[factors]\n\nwrite = \"yes\"\n");

        Assert.Contains("CONFIG:3", stderr, StringComparison.Ordinal);
        Assert.Contains("factors.write", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_with_several_problems_lists_them_all_in_one_message()
    {
        string stderr = await RefusedConfigAsync(
            "seed = 1\n[catalog]\ncount = -3\nlisted_during_share = 1.5\n[users]\nbogus = 1\n[factors]\nwrite = \"yes\"\n");

        Assert.Contains("4 problems", stderr, StringComparison.Ordinal);
        Assert.Contains("CONFIG:3: catalog.count = -3", stderr, StringComparison.Ordinal);
        Assert.Contains("CONFIG:4: catalog.listed_during_share = 1.5", stderr, StringComparison.Ordinal);
        Assert.Contains("CONFIG:6: users.bogus = 1", stderr, StringComparison.Ordinal);
        Assert.Contains("CONFIG:8: factors.write", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problems_in_the_options_and_in_the_config_are_reported_together()
    {
        using var temp = new TempDirectory("badcfg");
        string config = WriteConfig(temp, "[catalog]\nlisted_during_share = 1.5\n");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "-o", output, "--threads", "0", "--stage", "nonsense");

        AssertRefused(result, 2);
        Datasets.AssertNotCreated(output, result);
        Assert.Contains("--threads = 0", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--stage = nonsense", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(config + ":2: catalog.listed_during_share", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_config_and_a_bad_option_are_both_reported_in_one_run()
    {
        using var temp = new TempDirectory("badcfg");
        string config = WriteConfig(temp, "seed = 1\n[catalog\ncount = 1000\n");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "-c", config, "-o", output, "--threads", "0");

        AssertRefused(result, 2);
        Datasets.AssertNotCreated(output, result);
        Assert.Contains(config + ":2", result.StdErr, StringComparison.Ordinal);
        Assert.True(
            result.StdErr.Contains("--threads = 0", StringComparison.Ordinal),
            $"the --threads problem was dropped because the config file could not be parsed; the user has to fix one and run again to see the other:\n{result.StdErr}");
    }

    [Fact]
    public async Task A_config_file_that_does_not_exist_exits_2_naming_it()
    {
        using var temp = new TempDirectory("badcfg");
        string missing = temp.File("missing.toml");

        var result = await RefusedAsync(2, "-c", missing);

        Assert.Contains(missing, result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not found", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task An_unknown_option_exits_2_naming_it()
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");

        var result = await Cli.RunAsync("generate", "--prodcts", "5", "-o", output);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'--prodcts'", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("recsynth generate --help", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
        Datasets.AssertNotCreated(output, result);
    }

    [Fact]
    public async Task A_count_that_is_not_a_number_exits_2_naming_the_option_and_the_text()
    {
        var result = await RefusedAsync(2, "--products", "abc");

        Assert.Contains("--products: 'abc' is not a whole number", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("recsynth generate --help", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_beyond_32_bits_exits_2_naming_the_option()
    {
        var result = await RefusedAsync(2, "--users", "99999999999");

        Assert.Contains("--users", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("99999999999", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_stage_exits_2_naming_the_option_and_the_choices()
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--stage", "nonsense");

        Assert.Contains("--stage = nonsense", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("catalog, users, behaviour, all", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nonsense", "must be one of uniform, uniform-blend, fixed:<arm>")]
    [InlineData("thompson", "must be one of uniform, uniform-blend, fixed:<arm>")]
    [InlineData("fixed:2", "the number of fixed:<x> must be in [0, 1], not \"2\"")]
    [InlineData("fixed:", "the number of fixed:<x> must be in [0, 1], not \"\"")]
    public async Task An_unknown_logging_policy_exits_2_naming_the_option_and_the_choices(string policy, string message)
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--policy", policy);

        Assert.Contains($"--policy = {policy}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3/3", "0-based")]
    [InlineData("1/0", "number of shards must be in [1,")]
    [InlineData("one/3", "k/n")]
    [InlineData("1/2/3", "k/n")]
    public async Task A_bad_shard_spec_exits_2_naming_the_option_and_the_form(string shard, string message)
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--shard", shard);

        Assert.Contains($"--shard = {shard}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv,json")]
    [InlineData("")]
    public async Task An_unknown_format_exits_2_naming_the_choices(string format)
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--format", format);

        Assert.Contains("--format", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("csv, parquet, or csv,parquet", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_asked_for_a_path_that_exists_exits_2_and_leaves_it_alone()
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "--preset", "seed", "-c", WriteConfig(temp, Datasets.Weeks(1)), "-o", output, "--quiet")).ExitCode);
        File.WriteAllText(Path.Combine(output, "sessions.parquet"), "someone else's file");
        var before = Datasets.Snapshot(output);

        var result = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "behaviour", "--format", "parquet", "-o", output);

        AssertRefused(result, 2);
        Assert.Contains("--force", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(output));
    }

    [Fact]
    public async Task A_shards_part_next_to_parts_of_another_run_exits_2_naming_the_other_run_and_writes_nothing()
    {
        using var temp = new TempDirectory("parts-bad");
        string output = temp.Sub("out");
        string[] sizes = ["--products", "400", "--users", "90", "--seed", "3"];
        Assert.Equal(0, (await Cli.RunAsync(["generate", .. sizes, "--stage", "catalog", "--quiet", "-o", output])).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(["generate", .. sizes, "--stage", "users", "--quiet", "-o", output])).ExitCode);
        var first = await Cli.RunAsync(["generate", .. sizes, "--stage", "behaviour", "--shard", "0/2", "--format", "parquet", "-o", output]);
        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "interactions", "part-00000.parquet")), first.StdErr);
        var before = Datasets.Snapshot(output);

        var result = await Cli.RunAsync(["generate", .. sizes, "--stage", "behaviour", "--shard", "1/3", "--format", "parquet", "-o", output]);

        AssertRefused(result, 2);
        Assert.Contains("part 0 of another run", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("a run in 2 shards, not 3", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(output));
    }

    [Fact]
    public async Task A_shard_of_the_catalog_stage_exits_2()
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--stage", "catalog", "--shard", "0/2");

        Assert.Contains("shards split the behaviour stage", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merging_an_incomplete_set_of_shards_exits_2_naming_the_missing_shard_and_creates_nothing()
    {
        using var temp = new TempDirectory("merge-bad");
        string[] shards = await Datasets.ShardsAsync(temp.Path, 3, [0, 2], "--preset", "seed");

        var result = await Cli.RunAsync("merge", shards[0], shards[2], "-o", temp.Sub("merged"));

        AssertRefused(result, 2);
        Assert.Contains("1/3 missing", result.StdErr, StringComparison.Ordinal);
        Datasets.AssertNotCreated(temp.Sub("merged"), result);
    }

    [Fact]
    public async Task The_behaviour_stage_without_a_dataset_in_the_folder_exits_2_and_creates_nothing()
    {
        var result = await RefusedAsync(2, "--stage", "behaviour");

        Assert.Contains("no manifest.json", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--stage catalog", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_behaviour_stage_next_to_a_catalogue_without_users_exits_2_and_leaves_the_folder_unchanged()
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "--preset", "seed", "--stage", "catalog", "-o", output, "--quiet")).ExitCode);
        var before = Datasets.Snapshot(output);

        var result = await Cli.RunAsync("generate", "--preset", "seed", "--stage", "behaviour", "-o", output);

        AssertRefused(result, 2);
        Assert.Contains("no users stage", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--stage users", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(output));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("1025")]
    public async Task A_thread_count_out_of_range_exits_2_naming_the_option(string threads)
    {
        var result = await RefusedAsync(2, "--preset", "seed", "--threads", threads);

        Assert.Contains($"--threads = {threads}", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_preset_exits_2_naming_the_option_and_the_choices()
    {
        var result = await RefusedAsync(2, "--preset", "huge");

        Assert.Contains("--preset = huge", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("seed, small, medium, large", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_empty_output_folder_exits_2_unless_forced_and_is_left_unchanged()
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        var refused = await Cli.RunAsync("generate", "--preset", "seed", "-o", output);

        AssertRefused(refused, 2);
        Assert.Contains(output, refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("not empty", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("--force", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Datasets.Snapshot(output).Keys);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));

        var forced = await Cli.RunAsync("generate", "--preset", "seed", "-o", output, "--force", "--quiet");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.Equal(
            ["embeddings.npy", "ground_truth.csv", "interactions.csv", "manifest.json", "notes.txt", "products.csv", "sessions.csv", "users.csv"],
            Datasets.Snapshot(output).Keys);
    }

    [Fact]
    public async Task A_folder_holding_a_dataset_exits_2_without_force_and_the_dataset_is_unchanged()
    {
        using var temp = new TempDirectory("bad");
        string output = temp.Sub("data");
        Assert.Equal(0, (await Cli.RunAsync("generate", "--preset", "seed", "-o", output, "--quiet")).ExitCode);
        var before = Datasets.Snapshot(output);

        var refused = await Cli.RunAsync("generate", "--preset", "seed", "--seed", "7", "-o", output);

        AssertRefused(refused, 2);
        Assert.Contains(output, refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("--force", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(output));
    }

    [Fact]
    public async Task An_output_path_whose_parent_is_a_file_exits_1_naming_the_path()
    {
        using var temp = new TempDirectory("bad");
        string file = temp.File("X");
        File.WriteAllText(file, "a file, not a folder");
        string output = Path.Combine(file, "sub");

        var result = await Cli.RunAsync("generate", "--preset", "seed", "-o", output);

        AssertRefused(result, 1);
        Assert.Contains(output, result.StdErr, StringComparison.Ordinal);
        Assert.Equal("a file, not a folder", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task An_output_path_that_is_a_file_exits_2_naming_it()
    {
        using var temp = new TempDirectory("bad");
        string file = temp.File("X");
        File.WriteAllText(file, "a file, not a folder");

        var result = await Cli.RunAsync("generate", "--preset", "seed", "-o", file);

        AssertRefused(result, 2);
        Assert.Contains(file, result.StdErr, StringComparison.Ordinal);
        Assert.Equal("a file, not a folder", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("catalog")]
    [InlineData("users")]
    public void A_run_whose_memory_estimate_exceeds_what_the_process_may_use_exits_2_before_anything_is_written(string stage)
    {
        // The catalogue and users stages stream, so their estimate is fixed (chunk windows and prototype tables, about
        // 60 MiB with two threads); a 16 MiB GC heap limit, as a container would impose, is below it.
        using var temp = new TempDirectory("mem");
        string output = temp.Sub("data");

        var result = Cli.RunProcess(
            ["generate", "--products", "2000", "--users", "500", "--threads", "2", "--stage", stage, "-o", output],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x1000000" }); // 16 MiB

        AssertRefused(result, 2);
        Assert.Contains("memory", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("16 MiB", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--threads", result.StdErr, StringComparison.Ordinal);
        Datasets.AssertNotCreated(output, result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("catalog", "embeddings.npy", "products.csv")]
    [InlineData("users", "users.csv")]
    public void The_same_run_generates_under_a_limit_above_the_estimate(string stage, params string[] files)
    {
        // Guards the test above: it is the estimate against the limit that refuses, not the limit breaking the runtime.
        using var temp = new TempDirectory("mem");
        string output = temp.Sub("data");

        var result = Cli.RunProcess(
            ["generate", "--products", "2000", "--users", "500", "--threads", "2", "--stage", stage, "-o", output, "--quiet"],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x5000000" }); // 80 MiB

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, files);
    }

    [Fact]
    public void A_behaviour_simulation_whose_world_exceeds_what_the_process_may_use_exits_2_naming_the_sizes()
    {
        // The simulation holds the embeddings and the index in memory: 20,000 products need about 90 MiB, more than
        // an 80 MiB GC heap limit (under which the catalogue and users stages alone would run).
        using var temp = new TempDirectory("mem");
        string output = temp.Sub("data");

        var result = Cli.RunProcess(
            ["generate", "--products", "20000", "--users", "500", "--threads", "1", "-o", output],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x5000000" }); // 80 MiB

        AssertRefused(result, 2);
        Assert.Contains("behaviour", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("memory", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("80 MiB", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("catalog.count = 20000", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--products", result.StdErr, StringComparison.Ordinal);
        Datasets.AssertNotCreated(output, result);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void The_same_behaviour_simulation_runs_under_a_limit_above_its_estimate()
    {
        // Guards the test above: the estimate (about 115 MiB) is not below what the simulation really needs. Two weeks
        // of behaviour keep it fast; the world, which dominates the memory, is the same.
        using var temp = new TempDirectory("mem");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));
        string output = temp.Sub("data");

        var result = Cli.RunProcess(
            ["generate", "-c", config, "--products", "20000", "--users", "500", "--threads", "1", "-o", output, "--quiet"],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x8000000" }); // 128 MiB

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(output, Datasets.All);
    }

    [Fact]
    public void Sizes_beyond_the_free_disk_space_exit_1_naming_the_knobs_before_anything_is_written()
    {
        // /dev/shm is a RAM-backed file system, far smaller than the 205 GB that 100 million products' embeddings need.
        Assert.SkipUnless(Directory.Exists("/dev/shm"), "no /dev/shm on this machine");
        string output = Path.Combine("/dev/shm", "recsynth-disk-" + Path.GetRandomFileName());

        var result = Cli.RunProcess(["generate", "--products", "100000000", "--stage", "catalog", "-o", output]);

        AssertRefused(result, 1);
        Assert.Contains("disk space", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("catalog.count = 100000000", result.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), result.ToString());
    }

    [Fact]
    public void The_librarys_option_paths_reach_the_user_as_the_tools_flags_and_config_keys_stay_keys()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var error = new RecSynth.Configuration.OptionsException(
        [
            new("run.threads", "0", "must be in [1, 1024]"),
            new("simulation.policy", "fixed:0.3", "serves the blend 0.3"),
            new("behaviour.slate_size", "0", "must be in [1, 40]"),
        ]);

        int code = RecSynthApp.Report(new RecSynth.Cli.Rendering.Consoles(stdout, stderr), error);

        Assert.Equal(2, code);
        Assert.Contains("--threads = 0: must be in [1, 1024]", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--policy = fixed:0.3: serves the blend 0.3", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("behaviour.slate_size = 0", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("run.threads", stderr.ToString(), StringComparison.Ordinal);
    }
}

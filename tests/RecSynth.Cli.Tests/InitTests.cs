using System.Text.RegularExpressions;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

public sealed class InitTests
{
    /// <summary>The value of <paramref name="key"/> directly inside <c>[table]</c>.</summary>
    private static string? ValueIn(string toml, string table, string key)
    {
        string? current = null;
        foreach (string raw in toml.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith('['))
            {
                current = line.Trim('[', ']');
            }
            else if (current == table && Regex.Match(line, @"^" + Regex.Escape(key) + @"\s*=\s*(.+)$") is { Success: true } match)
            {
                return match.Groups[1].Value.Trim();
            }
        }

        return null;
    }

    [Fact]
    public async Task Init_writes_a_config_that_generate_accepts()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("recsynth.toml");

        var init = await Cli.RunAsync("init", "-o", config);

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains(config, init.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(config));
        Assert.Equal([config], Directory.GetFileSystemEntries(temp.Path)); // no temporary file left
        string toml = File.ReadAllText(config);
        Assert.Equal("10000", ValueIn(toml, "catalog", "count")); // small is the default preset
        Assert.Equal("5000", ValueIn(toml, "users", "count"));

        // Every key is read and validated; only the sizes are lowered to keep the test fast.
        string output = temp.Sub("out");
        var generate = await Cli.RunAsync("generate", "-c", config, "--products", "300", "--users", "20", "-o", output, "--quiet");

        Assert.True(generate.ExitCode == 0, generate.ToString());
        Datasets.AssertComplete(output, Datasets.All);
    }

    [Fact]
    public async Task A_config_from_init_reproduces_its_preset_byte_for_byte()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("seed.toml");
        Assert.Equal(0, (await Cli.RunAsync("init", "--preset", "seed", "-o", config)).ExitCode);

        var fromFile = await Cli.RunAsync("generate", "-c", config, "-o", temp.Sub("from-file"), "--quiet");
        var fromPreset = await Cli.RunAsync("generate", "--preset", "seed", "-o", temp.Sub("from-preset"), "--quiet");

        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.True(fromPreset.ExitCode == 0, fromPreset.ToString());
        Datasets.AssertIdentical(temp.Sub("from-preset"), temp.Sub("from-file"));
    }

    [Fact]
    public async Task The_written_config_is_commented_and_has_every_section()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("recsynth.toml");
        Assert.Equal(0, (await Cli.RunAsync("init", "-o", config)).ExitCode);
        string[] lines = File.ReadAllLines(config);

        string[] sections =
        [
            "[time]", "[catalog]", "[catalog.price]", "[catalog.popularity]", "[catalog.categories]", "[catalog.colors]",
            "[catalog.patterns]", "[catalog.materials]", "[catalog.brands]", "[catalog.conditions]", "[catalog.sizes]",
            "[catalog.styles]", "[users]", "[users.age_groups]", "[users.style_preferences]", "[users.cf_preference]",
            "[users.activity]", "[users.drift]", "[embedding]", "[factors]", "[behaviour]", "[behaviour.sessions]",
            "[behaviour.cf]", "[behaviour.image]", "[behaviour.response]", "[behaviour.response.condition_appeal]",
        ];
        foreach (string section in sections)
        {
            Assert.Contains(section, lines);
        }

        Assert.Contains(lines, l => l.StartsWith("seed = ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("write = ", StringComparison.Ordinal)); // factors.write
        Assert.Contains("policy = \"uniform\"", lines); // behaviour.policy
        Assert.Contains(lines, l => l.StartsWith("blend_levels = [", StringComparison.Ordinal)); // behaviour.blend_levels
        Assert.True(lines.Count(l => l.StartsWith('#')) >= 30, "the config should explain its knobs in comments");
    }

    [Fact]
    public async Task The_large_preset_writes_a_million_products_and_a_million_users()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("large.toml");

        var result = await Cli.RunAsync("init", "--preset", "large", "-o", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        string toml = File.ReadAllText(config);
        Assert.Equal("1000000", ValueIn(toml, "catalog", "count"));
        Assert.Equal("1000000", ValueIn(toml, "users", "count"));
    }

    [Theory]
    [InlineData("seed", "1000", "11")]
    [InlineData("small", "10000", "5000")]
    [InlineData("medium", "100000", "100000")]
    public async Task Each_preset_writes_its_sizes(string preset, string products, string users)
    {
        var result = await Cli.RunAsync("init", "--preset", preset, "-o", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(products, ValueIn(result.StdOut, "catalog", "count"));
        Assert.Equal(users, ValueIn(result.StdOut, "users", "count"));
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_file_without_force()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("recsynth.toml");
        File.WriteAllText(config, "# mine\n");

        var refused = await Cli.RunAsync("init", "-o", config);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.True(refused.ErrorCount == 1, refused.ToString());
        Assert.Contains(config, refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("--force", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal("# mine\n", File.ReadAllText(config));
        Assert.Equal([config], Directory.GetFiles(temp.Path));

        var forced = await Cli.RunAsync("init", "-o", config, "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("[catalog]", File.ReadAllText(config), StringComparison.Ordinal);
        Assert.Equal([config], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Init_with_output_dash_prints_the_config_on_stdout_and_creates_no_file()
    {
        using var temp = new TempDirectory("init");

        var result = Cli.RunProcess(["init", "-o", "-", "--preset", "seed"], workingDirectory: temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("# RecSynth configuration", result.StdOut, StringComparison.Ordinal);
        Assert.Equal("1000", ValueIn(result.StdOut, "catalog", "count"));
        Assert.Contains("[factors]", result.StdOut, StringComparison.Ordinal);
        Assert.Equal("", result.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Init_without_output_writes_recsynth_toml_in_the_working_folder()
    {
        using var temp = new TempDirectory("init");

        var result = Cli.RunProcess(["init"], workingDirectory: temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([Path.Combine(temp.Path, "recsynth.toml")], Directory.GetFileSystemEntries(temp.Path));
        Assert.Contains("recsynth.toml", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_with_an_unknown_preset_exits_2_naming_the_option_and_writes_nothing()
    {
        using var temp = new TempDirectory("init");
        string config = temp.File("recsynth.toml");

        var result = await Cli.RunAsync("init", "--preset", "huge", "-o", config);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains("--preset", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("huge", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Init_into_a_path_that_is_a_folder_fails_and_leaves_no_temporary_file()
    {
        using var temp = new TempDirectory("init");
        string folder = temp.Sub("config-folder");
        Directory.CreateDirectory(folder);

        var result = await Cli.RunAsync("init", "-o", folder);

        Assert.True(result.ExitCode is 1 or 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains(folder, result.StdErr, StringComparison.Ordinal);
        Assert.True(Directory.Exists(folder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.True(
            Directory.GetFileSystemEntries(temp.Path).SequenceEqual([folder]),
            "init left files behind: " + string.Join(", ", Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName)));
    }
}

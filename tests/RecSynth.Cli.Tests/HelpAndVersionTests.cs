using System.Text.RegularExpressions;
using RecSynth.Files;

namespace RecSynth.Cli.Tests;

public sealed class HelpAndVersionTests
{
    /// <summary>Asserts the help text has an option line that names every one of <paramref name="names"/> (aliases share a line).</summary>
    private static void AssertOption(string help, params string[] names)
    {
        var line = help.Split('\n').FirstOrDefault(l => names.All(n => Regex.IsMatch(l, @"(^|[\s,])" + Regex.Escape(n) + @"([\s,]|$)")));
        Assert.True(line is not null, $"no option line names {string.Join(" and ", names)} in:\n{help}");
    }

    [Fact]
    public async Task Root_help_exits_0_and_lists_both_verbs_and_the_global_options()
    {
        var result = await Cli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recsynth [command] [options]", result.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+init\s+\S", result.StdOut);
        Assert.Matches(@"(?m)^\s+generate\s+\S", result.StdOut);
        AssertOption(result.StdOut, "--help", "-h");
        AssertOption(result.StdOut, "--version");
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public async Task Generate_help_exits_0_shows_the_usage_line_and_lists_every_option()
    {
        var result = await Cli.RunAsync("generate", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recsynth generate [options]", result.StdOut, StringComparison.Ordinal);
        AssertOption(result.StdOut, "-c", "--config", "<FILE>");
        AssertOption(result.StdOut, "-o", "--output", "<DIR>");
        AssertOption(result.StdOut, "--preset", "<NAME>");
        AssertOption(result.StdOut, "--seed", "<N>");
        AssertOption(result.StdOut, "--products", "<N>");
        AssertOption(result.StdOut, "--users", "<N>");
        AssertOption(result.StdOut, "--threads", "<N>");
        AssertOption(result.StdOut, "--stage", "<STAGE>");
        AssertOption(result.StdOut, "--policy", "<POLICY>");
        AssertOption(result.StdOut, "--force");
        AssertOption(result.StdOut, "--quiet");
        AssertOption(result.StdOut, "--help");
        Assert.Contains("generated_data", result.StdOut, StringComparison.Ordinal); // the default output folder is documented
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public async Task Init_help_exits_0_shows_the_usage_line_and_lists_every_option()
    {
        var result = await Cli.RunAsync("init", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recsynth init [options]", result.StdOut, StringComparison.Ordinal);
        AssertOption(result.StdOut, "--preset", "<NAME>");
        AssertOption(result.StdOut, "-o", "--output", "<FILE>");
        AssertOption(result.StdOut, "--force");
        AssertOption(result.StdOut, "--help");
        Assert.Contains("recsynth.toml", result.StdOut, StringComparison.Ordinal); // the default file is documented
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public void Version_prints_the_tool_version_of_the_manifests_and_exits_0()
    {
        var result = Cli.RunProcess(["--version"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(DatasetGenerator.ToolVersion, result.StdOut.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", DatasetGenerator.ToolVersion);
    }

    [Fact]
    public async Task No_verb_exits_2_with_a_message_pointing_to_help()
    {
        var result = await Cli.RunAsync();

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.True(result.ErrorCount == 1, result.ToString());
        Assert.Contains("command", result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("recsynth --help", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task An_unknown_verb_exits_2_naming_it()
    {
        var result = await Cli.RunAsync("generat");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("generat", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }
}

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

    [Theory]
    [InlineData(new[] { "generat" }, "did you mean 'generate'?")]
    [InlineData(new[] { "generate", "--user", "5" }, "'--user'; did you mean '--users'?")]
    [InlineData(new[] { "simulate", "--polcy", "thompson" }, "'--polcy'; did you mean '--policy'?")]
    [InlineData(new[] { "simulate", "--policy", "thompsn" }, "did you mean 'thompson'?")]
    [InlineData(new[] { "generate", "--policy", "unifrom" }, "did you mean 'uniform'?")]
    [InlineData(new[] { "compare", "--policies", "uniform,hierarchical-thomson" }, "did you mean 'hierarchical-thompson'?")]
    [InlineData(new[] { "simulate", "--policy", "ucb1", "--arms", "blnd" }, "did you mean 'blend'?")]
    [InlineData(new[] { "simulate", "--policy", "ucb1", "--recommender", "bulitin" }, "did you mean 'builtin'?")]
    [InlineData(new[] { "stats", "--jsn" }, "'--jsn'; did you mean '--json'?")]
    [InlineData(new[] { "report", "--qiet" }, "'--qiet'; did you mean '--quiet'?")]
    [InlineData(new[] { "evaluate", ".", "--policy", "best-arn" }, "best-arm; did you mean 'best-arm'?")]
    [InlineData(new[] { "evaluate", ".", "--policy", "ucb1", "--arms", "Blnd" }, "did you mean 'blend'?")]
    public async Task A_misspelt_verb_option_or_name_exits_2_with_a_suggestion(string[] args, string suggestion)
    {
        var result = await Cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(suggestion, result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Simulate_and_compare_help_name_every_policy()
    {
        foreach (string verb in new[] { "simulate", "compare" })
        {
            var result = await Cli.RunAsync(verb, "--help");

            Assert.True(result.ExitCode == 0, result.ToString());
            string help = Regex.Replace(result.StdOut, @"\s+", " "); // the help wraps long descriptions
            Assert.All(RecSynth.Simulation.PolicySpec.Names(RecSynth.Simulation.PolicyUse.ClosedLoop), name => Assert.Contains(name, help, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Compare_help_offers_only_the_recommenders_it_accepts()
    {
        var help = await Cli.RunAsync("compare", "--help");
        var refused = await Cli.RunAsync("compare", "--policies", "uniform", "--recommender", "gorse");

        string recommender = Regex.Replace(help.StdOut, @"\s+", " ");
        recommender = recommender[recommender.IndexOf("--recommender", StringComparison.Ordinal)..];
        recommender = recommender[..recommender.IndexOf(" --", 3, StringComparison.Ordinal)];
        Assert.Contains("oracle", recommender, StringComparison.Ordinal);
        Assert.Contains("builtin", recommender, StringComparison.Ordinal);
        Assert.DoesNotContain("gorse", recommender, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not offered here", refused.StdErr, StringComparison.Ordinal);
    }
}

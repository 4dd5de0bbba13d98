using System.CommandLine;
using System.Text.RegularExpressions;
using RecSynth.Cli.Rendering;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Every verb's help shows every option it accepts — each name and alias, its value placeholder and its description —
/// read from the command tree itself, so an option added later is covered too.
/// </summary>
public sealed class HelpCoverageTests
{
    private static readonly Command s_root = RecSynthApp.BuildRoot(new Consoles(TextWriter.Null, TextWriter.Null));

    public static TheoryData<string> Verbs => [.. s_root.Subcommands.Select(c => c.Name)];

    /// <summary>Help wraps long descriptions over several lines: compare texts with runs of white space as one space.</summary>
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    [Fact]
    public async Task Root_help_lists_every_verb_with_its_description()
    {
        var result = await Cli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        string help = Flat(result.StdOut);
        Assert.All(s_root.Subcommands, verb => Assert.Matches(Regex.Escape(verb.Name) + @"( <[^>]+>)* " + Regex.Escape(Flat(verb.Description!)), help));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task A_verbs_help_shows_every_option_with_its_aliases_placeholder_and_description(string verb)
    {
        var command = s_root.Subcommands.Single(c => c.Name == verb);

        var result = await Cli.RunAsync(verb, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdErr);
        string help = Flat(result.StdOut);
        Assert.Contains($"recsynth {verb}", help, StringComparison.Ordinal);
        Assert.Contains(Flat(command.Description!), help, StringComparison.Ordinal);
        foreach (var option in command.Options.Where(o => !o.Hidden))
        {
            foreach (string name in option.Aliases.Prepend(option.Name))
            {
                Assert.Matches(@"(^|[\s,])" + Regex.Escape(name) + @"([\s,]|$)", help);
            }

            if (option.HelpName is { } placeholder)
            {
                Assert.Contains($"{option.Name} <{placeholder}>", help, StringComparison.Ordinal);
            }

            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb} {option.Name} has no description");
            Assert.Contains(Flat(option.Description!), help, StringComparison.Ordinal);
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            Assert.Contains(argument.Name, help, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{verb} {argument.Name} has no description");
            Assert.Contains(Flat(argument.Description!), help, StringComparison.Ordinal);
        }
    }
}

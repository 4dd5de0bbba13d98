using RecSynth.Testing;
using System.Text.RegularExpressions;

namespace RecSynth.Files.Tests;

/// <summary>
/// README.md's C# example is samples/RecSynth.Samples/ReadmeExample.cs word for word (its usings, then the body of
/// Run): the sample is built with the solution, so the README's code compiles against the public API.
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_readmes_example_is_the_samples_code()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        string sample = File.ReadAllText(Path.Combine(Repository.Root, "samples", "RecSynth.Samples", "ReadmeExample.cs")).ReplaceLineEndings("\n");

        string block = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value.TrimEnd('\n');
        string[] usings = [.. sample.Split('\n').Where(l => l.StartsWith("using RecSynth", StringComparison.Ordinal))];
        string body = Regex.Match(sample, @"public static void Run\(\)\n    \{\n(.*?)\n    \}\n\}", RegexOptions.Singleline).Groups[1].Value;
        string[] lines = [.. body.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.Trim())];

        Assert.NotEmpty(usings);
        Assert.True(lines.Length >= 5, "the example's body was not found in ReadmeExample.cs");
        Assert.Equal(string.Join('\n', [.. usings, "", .. lines]), block);
    }
}

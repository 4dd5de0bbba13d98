using RecSynth.Testing;
using RecSynth.Files.Config;

namespace RecSynth.Files.Tests;

/// <summary>docs/config.md is ConfigReference.Render(), and the reference covers every knob.</summary>
public sealed class ConfigReferenceDocsTests
{
    private static string DocsPath => Path.Combine(Repository.Root, "docs", "config.md");

    [Fact]
    public void Docs_config_md_is_the_generated_reference()
    {
        string expected = ConfigReference.Render();
        if (Environment.GetEnvironmentVariable("RECSYNTH_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DocsPath)!);
            File.WriteAllText(DocsPath, expected);
            return;
        }

        Assert.True(File.Exists(DocsPath), $"{DocsPath} is missing; run the tests with RECSYNTH_UPDATE_DOCS=1 to write it");
        string actual = File.ReadAllText(DocsPath).ReplaceLineEndings("\n");
        Assert.True(
            expected == actual,
            $"{DocsPath} is out of date with ConfigReference.Render(); run `RECSYNTH_UPDATE_DOCS=1 dotnet test tests/RecSynth.Files.Tests` and commit it");
    }

    [Fact]
    public void The_reference_names_every_knob_with_its_description()
    {
        string reference = ConfigReference.Render();
        string[] lines = reference.Split('\n');

        foreach (var (path, kind, knob) in KnobPaths.All())
        {
            if (kind == KnobPaths.Kind.Scalar)
            {
                string row = Assert.Single(lines, l => l.StartsWith($"| `{path}` |", StringComparison.Ordinal));

                // In a Markdown table cell a "|" is written "\|" (else it would end the cell).
                Assert.Contains(knob!.Description.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal), row, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains($"## `[{path}]`", reference, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_reference_shows_defaults_and_ranges()
    {
        string reference = ConfigReference.Render();

        Assert.Contains("| `catalog.count` | `10000` | [1, 100_000_000] |", reference, StringComparison.Ordinal);
        Assert.Contains("| `embedding.dtype` | `\"float32\"` | one of float32, float64 |", reference, StringComparison.Ordinal);
        Assert.Contains("| `time.start` | `2023-01-01T00:00:00Z` |", reference, StringComparison.Ordinal);
        Assert.Contains("\"Local Brand\" = { weight = 0.2, price_factor = 0.85 }", reference, StringComparison.Ordinal);
        Assert.Contains("| `behaviour.policy` | `\"uniform\"` |", reference, StringComparison.Ordinal);
        Assert.Contains("| `behaviour.blend_levels` | `[0.0, 0.25, 0.5, 0.75, 1.0]` | [0, 1] |", reference, StringComparison.Ordinal);
        Assert.Contains("| `behaviour.response.satiation_threshold` | `0.6` | [0, 1) |", reference, StringComparison.Ordinal);
        Assert.Contains("| `behaviour.response.view_scale` | `1.6` | [0, 100] | P(view \\| examined) = view_scale", reference, StringComparison.Ordinal);
        Assert.Contains("\"Like New\" = -0.2", reference, StringComparison.Ordinal);
    }
}

using RecSynth.Configuration;
using RecSynth.Files.Config;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>ConfigFile reports what is wrong with a file: every problem at once, with key path, file:line and a suggestion.</summary>
public sealed class ConfigErrorTests
{
    private static OptionsException ParseFails(string text, string source = "test.toml") =>
        Assert.Throws<OptionsException>(() => ConfigFile.Parse(text, source));

    [Fact]
    public void A_misspelt_key_is_an_error_with_its_path_location_and_a_did_you_mean()
    {
        var error = ParseFails("""
            seed = 7

            [catalog]
            count = 100
            listed_during_shar = 0.3
            """);

        var problem = Assert.Single(error.Problems);
        Assert.Equal("catalog.listed_during_shar", problem.KeyPath);
        Assert.Equal("test.toml:5", problem.Location);
        Assert.Contains("unknown key", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'listed_during_share'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("test.toml:5", error.Message, StringComparison.Ordinal);
        Assert.Contains("catalog.listed_during_shar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_top_level_key_suggests_the_right_one()
    {
        var problem = Assert.Single(ParseFails("sede = 7\n").Problems);

        Assert.Equal("sede", problem.KeyPath);
        Assert.Equal("test.toml:1", problem.Location);
        Assert.Contains("did you mean 'seed'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_in_the_wrong_table_suggests_its_full_path()
    {
        var error = ParseFails("""
            [catalog]
            count = 100

            dtype = "float64"
            """);

        var problem = Assert.Single(error.Problems);
        Assert.Equal("catalog.dtype", problem.KeyPath);
        Assert.Equal("test.toml:4", problem.Location);
        Assert.Contains("did you mean 'embedding.dtype'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_table_is_reported_at_its_header()
    {
        var problem = Assert.Single(ParseFails("seed = 1\n\n[catalogue]\ncount = 5\n").Problems);

        Assert.Equal("catalogue", problem.KeyPath);
        Assert.Equal("test.toml:3", problem.Location);
        Assert.Contains("did you mean 'catalog'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_toml_is_reported_with_its_line_and_column()
    {
        var error = ParseFails("seed = 1\n[catalog]\ncount = = 5\n", "broken.toml");

        Assert.Contains("not valid TOML", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken.toml:3:9", error.Message, StringComparison.Ordinal); // the second '=' of line 3
    }

    [Fact]
    public void An_unterminated_string_is_reported_on_its_line()
    {
        var error = ParseFails("seed = 1\n\n[embedding]\ndtype = \"float32\n", "broken.toml");

        Assert.Matches(@"broken\.toml:4:\d+", error.Message);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_with_its_line()
    {
        var error = ParseFails("""
            seed = -1

            [catalog]
            count = "many"
            listed_during_share = 1.5

            [catalog.price]
            sigma = true

            [users]
            count = 0
            consistency_min = 0.9
            consistency_max = 0.8

            [embedding]
            dtype = "float16"
            dimensions = 100

            [factors]
            write = "yes"
            """);

        var byPath = error.Problems.GroupBy(p => p.KeyPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Assert.Equal(
            [
                ("catalog.count", "test.toml:4"),
                ("catalog.listed_during_share", "test.toml:5"),
                ("catalog.price.sigma", "test.toml:8"),
                ("embedding.dimensions", "test.toml:17"),
                ("embedding.dtype", "test.toml:16"),
                ("factors.write", "test.toml:20"),
                ("seed", "test.toml:1"),
                ("users.consistency_min", "test.toml:12"),
                ("users.count", "test.toml:11"),
            ],
            error.Problems.Select(p => (p.KeyPath, p.Location!)).Distinct().Order());
        Assert.Contains("whole number", byPath["catalog.count"].Message, StringComparison.Ordinal);
        Assert.Equal("\"many\"", byPath["catalog.count"].Value);
        Assert.Contains("[0, 1]", byPath["catalog.listed_during_share"].Message, StringComparison.Ordinal);
        Assert.Equal("1.5", byPath["catalog.listed_during_share"].Value);
        Assert.Contains("must be a number", byPath["catalog.price.sigma"].Message, StringComparison.Ordinal);
        Assert.Contains("[1, 2_000_000_000]", byPath["users.count"].Message, StringComparison.Ordinal);
        Assert.Contains("\"float32\", \"float64\"", byPath["embedding.dtype"].Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Problems.Count(p => p.KeyPath == "embedding.dimensions")); // not a multiple of 16, and too short for the prototypes
        Assert.Contains(error.Problems, p => p.KeyPath == "embedding.dimensions" && p.Message.Contains("multiple of 16", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.KeyPath == "embedding.dimensions" && p.Message.Contains("prototypes", StringComparison.Ordinal));
        Assert.Contains("true or false", byPath["factors.write"].Message, StringComparison.Ordinal);
        Assert.Contains("consistency_max", byPath["users.consistency_min"].Message, StringComparison.Ordinal);
        Assert.Contains("10 problems", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_in_a_vocabulary_entry_is_located_on_the_entry_line()
    {
        var error = ParseFails("""
            [catalog.brands]
            Zara = { weight = 0.5, price_factor = 1.0 }
            Gucci = { weight = -1, price_factor = 3.0 }
            Prada = { weight = 0.1, price_factor = 0 }
            Nike = { weight = 2, price_factor = 1.0 }
            Adidas = { weight = 1, price_factor = 1.0 }
            """);

        Assert.Equal(
            [("catalog.brands.Gucci.weight", "test.toml:3"), ("catalog.brands.Prada.price_factor", "test.toml:4")],
            error.Problems.Select(p => (p.KeyPath, p.Location!)).Order());
    }

    [Fact]
    public void A_problem_in_a_dotted_key_is_located_on_its_line()
    {
        var problem = Assert.Single(ParseFails("seed = 3\nusers.activity.sigma = 9\n").Problems);

        Assert.Equal("users.activity.sigma", problem.KeyPath);
        Assert.Equal("test.toml:2", problem.Location);
    }

    [Fact]
    public void A_missing_config_file_is_an_options_error_naming_the_path()
    {
        using var temp = new TempDirectory("config");
        string path = temp.File("nowhere/recsynth.toml");

        var error = Assert.Throws<OptionsException>(() => ConfigFile.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_the_file_and_names_it_in_problems()
    {
        using var temp = new TempDirectory("config");
        string path = temp.File("my.toml");
        File.WriteAllText(path, "seed = 5\n[users]\ncount = 12\n");
        Assert.Equal((5L, 12), (ConfigFile.Load(path).Seed, ConfigFile.Load(path).Users.Count));

        File.WriteAllText(path, "seed = 5\n[users]\ncount = -12\n");
        var problem = Assert.Single(Assert.Throws<OptionsException>(() => ConfigFile.Load(path)).Problems);

        Assert.Equal(path + ":3", problem.Location);
    }

    [Fact]
    public void Keys_left_out_keep_their_defaults()
    {
        var defaults = new RecSynthOptions();

        var options = ConfigFile.Parse("[catalog.price]\nsigma = 0.5\n", "x.toml");

        OptionsEquality.AssertEqual(defaults with { Catalog = defaults.Catalog with { Price = defaults.Catalog.Price with { Sigma = 0.5 } } }, options);
    }

    [Fact]
    public void An_adjustment_is_applied_before_validation_and_problems_elsewhere_still_show()
    {
        const string text = "[users]\ncount = 0\n\n[catalog]\ncount = -1\n";

        var adjusted = ConfigFile.Parse(text, "x.toml", o => o with { Users = o.Users with { Count = 11 }, Catalog = o.Catalog with { Count = 1_000 } });
        var problem = Assert.Single(Assert.Throws<OptionsException>(() => ConfigFile.Parse(text, "x.toml", o => o with { Users = o.Users with { Count = 11 } })).Problems);

        Assert.Equal((1_000, 11), (adjusted.Catalog.Count, adjusted.Users.Count));
        Assert.Equal(("catalog.count", "x.toml:5"), (problem.KeyPath, problem.Location));
    }
}

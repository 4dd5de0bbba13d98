using RecSynth.Configuration;
using RecSynth.Files.Config;

namespace RecSynth.Files.Tests;

/// <summary>How ConfigFile reads the kinds of values: enums, RFC 3339 times, vocabulary tables.</summary>
public sealed class ConfigValueTests
{
    private static OptionsException ParseFails(string text) => Assert.Throws<OptionsException>(() => ConfigFile.Parse(text, "test.toml"));

    [Theory]
    [InlineData("float32", EmbeddingDType.Float32)]
    [InlineData("float64", EmbeddingDType.Float64)]
    public void The_embedding_dtype_is_read_from_its_name(string name, EmbeddingDType expected)
    {
        var options = ConfigFile.Parse($"[embedding]\ndtype = \"{name}\"\n");

        Assert.Equal(expected, options.Embedding.Dtype);
    }

    [Theory]
    [InlineData("\"float16\"")]
    [InlineData("\"\"")]
    [InlineData("64")]
    public void An_unknown_dtype_lists_the_allowed_names(string value)
    {
        var problem = Assert.Single(ParseFails($"[embedding]\ndtype = {value}\n").Problems);

        Assert.Equal("embedding.dtype", problem.KeyPath);
        Assert.Equal("test.toml:2", problem.Location);
        Assert.Contains("\"float32\", \"float64\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc3339_times_are_read_as_utc()
    {
        var options = ConfigFile.Parse("[time]\nstart = 2022-06-01T12:30:15Z\nend = 2022-09-01T14:00:00+02:00\n");

        Assert.Equal(new DateTimeOffset(2022, 6, 1, 12, 30, 15, TimeSpan.Zero), options.Time.Start);
        Assert.Equal(TimeSpan.Zero, options.Time.Start.Offset);
        Assert.Equal(new DateTimeOffset(2022, 9, 1, 12, 0, 0, TimeSpan.Zero), options.Time.End);
        Assert.Equal(TimeSpan.Zero, options.Time.End.Offset);
    }

    [Fact]
    public void A_quoted_rfc3339_time_is_read_like_a_bare_one()
    {
        var options = ConfigFile.Parse("[time]\nstart = \"2022-06-01T12:30:15Z\"\n");

        Assert.Equal(new DateTimeOffset(2022, 6, 1, 12, 30, 15, TimeSpan.Zero), options.Time.Start);
    }

    [Theory]
    [InlineData("2022-06-01T12:30:15")] // local date-time: no zone
    [InlineData("2022-06-01")] // a date
    [InlineData("12:30:15")] // a time of day
    [InlineData("\"yesterday\"")]
    [InlineData("1654086615")]
    public void A_time_without_a_zone_or_not_a_time_at_all_is_rejected(string value)
    {
        var problem = Assert.Single(ParseFails($"[time]\nstart = {value}\n").Problems);

        Assert.Equal("time.start", problem.KeyPath);
        Assert.Equal("test.toml:2", problem.Location);
        Assert.Contains("RFC 3339", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_time_without_a_zone_is_rejected_like_an_unquoted_one()
    {
        // The knob is "RFC 3339, UTC" and the unquoted local date-time is refused for lacking a zone; the same text
        // in quotes must not be silently taken as UTC.
        var problem = Assert.Single(ParseFails("[time]\nstart = \"2022-06-01T12:30:15\"\n").Problems);

        Assert.Equal("time.start", problem.KeyPath);
        Assert.Contains("time zone", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_end_before_the_start_is_reported_on_the_end()
    {
        var problem = Assert.Single(ParseFails("[time]\nstart = 2023-01-01T00:00:00Z\nend = 2022-01-01T00:00:00Z\n").Problems);

        Assert.Equal("time.end", problem.KeyPath);
        Assert.Equal("test.toml:3", problem.Location);
        Assert.Contains("after time.start", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vocabulary_table_replaces_the_default_vocabulary_as_a_whole()
    {
        var options = ConfigFile.Parse("""
            [catalog.colors]
            Teal = 2.5
            "Dark, Red" = 1
            "Grün" = 0.5
            "Sky \"Blue\"" = 1.5
            Ochre = 3
            """);

        Assert.Equal(
            [("Teal", 2.5), ("Dark, Red", 1.0), ("Grün", 0.5), ("Sky \"Blue\"", 1.5), ("Ochre", 3.0)],
            options.Catalog.Colors.Select(c => (c.Name, c.Weight)));
        OptionsEquality.AssertEqual(new RecSynthOptions { Catalog = new CatalogOptions { Colors = options.Catalog.Colors } }, options); // nothing else changed
    }

    [Fact]
    public void Vocabulary_entries_with_several_fields_are_read_in_order()
    {
        var options = ConfigFile.Parse("""
            [catalog.categories]
            Hats = { weight = 2, price_factor = 1.5, subcategories = ["Cap", "Beret, wool"] }
            Bags = { weight = 1, price_factor = 3, subcategories = ["Tote"] }

            [catalog.brands]
            "No Name" = { weight = 1, price_factor = 0.5 }
            Luxe = { weight = 0.25, price_factor = 4 }
            Other = { weight = 1, price_factor = 1 }
            Fourth = { weight = 1, price_factor = 1 }
            """);

        Assert.Equal(["Hats", "Bags"], options.Catalog.Categories.Select(c => c.Name));
        Assert.Equal([2.0, 1.0], options.Catalog.Categories.Select(c => c.Weight));
        Assert.Equal([1.5, 3.0], options.Catalog.Categories.Select(c => c.PriceFactor));
        Assert.Equal(["Cap", "Beret, wool"], options.Catalog.Categories[0].Subcategories);
        Assert.Equal(["Tote"], options.Catalog.Categories[1].Subcategories);
        Assert.Equal([("No Name", 1.0, 0.5), ("Luxe", 0.25, 4.0), ("Other", 1.0, 1.0), ("Fourth", 1.0, 1.0)], options.Catalog.Brands.Select(b => (b.Name, b.Weight, b.PriceFactor)));
    }

    [Fact]
    public void A_vocabulary_entry_with_a_missing_field_is_reported()
    {
        var problem = Assert.Single(ParseFails("""
            [catalog.brands]
            Zara = { weight = 0.5, price_factor = 1 }
            Nike = { weight = 0.5 }
            Adidas = { weight = 0.5, price_factor = 1 }
            """).Problems);

        Assert.Equal("catalog.brands.Nike.price_factor", problem.KeyPath);
        Assert.Equal("test.toml:3", problem.Location);
        Assert.Contains("required", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_of_a_vocabulary_entry_is_reported_with_a_suggestion()
    {
        var error = ParseFails("""
            [catalog.brands]
            Zara = { weight = 0.5, price_factor = 1 }
            Nike = { weight = 0.5, pricefactor = 1.2 }
            Adidas = { weight = 0.5, price_factor = 1, tier = 2 }
            """);

        var byPath = error.Problems.ToDictionary(p => p.KeyPath, StringComparer.Ordinal);
        Assert.Contains("did you mean 'price_factor'", byPath["catalog.brands.Nike.pricefactor"].Message, StringComparison.Ordinal);
        Assert.Equal("test.toml:3", byPath["catalog.brands.Nike.pricefactor"].Location);
        Assert.Contains("unknown key", byPath["catalog.brands.Adidas.tier"].Message, StringComparison.Ordinal);
        Assert.Equal("test.toml:4", byPath["catalog.brands.Adidas.tier"].Location);
    }

    [Fact]
    public void A_vocabulary_entry_of_the_wrong_shape_is_reported()
    {
        var error = ParseFails("""
            [catalog.colors]
            Black = "lots"
            White = 1

            [catalog.brands]
            Zara = 0.5
            """);

        Assert.Equal(
            [("catalog.brands.Zara", "test.toml:6"), ("catalog.colors.Black", "test.toml:2")],
            error.Problems.Select(p => (p.KeyPath, p.Location!)).Order());
    }

    [Fact]
    public void An_empty_vocabulary_table_is_an_error()
    {
        var problem = Assert.Single(ParseFails("[catalog.sizes]\n").Problems);

        Assert.Equal("catalog.sizes", problem.KeyPath);
        Assert.Equal("test.toml:1", problem.Location);
    }

    [Fact]
    public void A_vocabulary_smaller_than_the_style_preference_lists_is_reported_against_the_count()
    {
        var problem = Assert.Single(ParseFails("[catalog.colors]\nRed = 1\nBlue = 1\n").Problems);

        Assert.Equal("users.style_preferences.colors.max", problem.KeyPath);
        Assert.Contains("(2)", problem.Message, StringComparison.Ordinal);
    }
}

using System.Collections.Immutable;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// Options validation (<see cref="RecSynthOptions.Validate"/>, <see cref="RecSynthOptions.EnsureValid"/>): every problem
/// is reported at once, each with its TOML key path and what is allowed; the rules that span several knobs too.
/// </summary>
public sealed class OptionsValidationTests
{
    private static readonly RecSynthOptions s_valid = new();

    [Fact]
    public void The_defaults_and_every_preset_are_valid()
    {
        Assert.Empty(s_valid.Validate());
        foreach (var preset in Enum.GetValues<Preset>())
        {
            Assert.Empty(RecSynthOptions.FromPreset(preset).Validate());
        }

        Assert.Same(s_valid, s_valid.EnsureValid());
    }

    [Fact]
    public void Three_bad_values_give_three_problems_with_their_key_paths_and_ranges()
    {
        var options = s_valid with
        {
            Catalog = s_valid.Catalog with { Count = 0, Price = s_valid.Catalog.Price with { Sigma = 5 } },
            Users = s_valid.Users with { ConsistencyMin = -0.1 },
        };
        var problems = options.Validate();
        Assert.Equal(3, problems.Count);
        AssertProblem(problems, "catalog.count", "[1, 100_000_000]");
        AssertProblem(problems, "catalog.price.sigma", "[0, 3]");
        AssertProblem(problems, "users.consistency_min", "[0, 1]");
        Assert.Equal("0", problems.Single(p => p.KeyPath == "catalog.count").Value);

        var thrown = Assert.Throws<OptionsException>(() => options.EnsureValid());
        Assert.Equal(problems, thrown.Problems);
        foreach (string key in new[] { "catalog.count", "catalog.price.sigma", "users.consistency_min" })
        {
            Assert.Contains(key, thrown.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Generating_refuses_invalid_options()
    {
        var options = Scenario.Defaults() with { Catalog = new CatalogOptions { Count = -5 } };
        Assert.Throws<OptionsException>(() => ProductCatalog.Generate(options, TestContext.Current.CancellationToken));
        Assert.Throws<OptionsException>(() => UserPopulation.Generate(options, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_number_that_is_not_finite_is_reported()
    {
        var problems = (s_valid with { Catalog = s_valid.Catalog with { ListedDuringShare = double.NaN } }).Validate();
        AssertProblem(Assert.Single(problems), "catalog.listed_during_share", "finite");
    }

    [Fact]
    public void Exclusive_bounds_are_exclusive()
    {
        var options = s_valid with { Users = s_valid.Users with { Activity = s_valid.Users.Activity with { Median = 0 } } };
        AssertProblem(Assert.Single(options.Validate()), "users.activity.median", "(0, 1000]");
    }

    [Fact]
    public void Vocabulary_names_longer_than_100_characters_are_refused()
    {
        var options = s_valid with { Catalog = s_valid.Catalog with { Sizes = [new(new string('x', 101), 1), new("S", 1)] } };
        AssertProblem(Assert.Single(options.Validate()), "catalog.sizes", "at most 100 characters");
    }

    [Fact]
    public void A_negative_seed_is_reported() =>
        AssertProblem(Assert.Single((s_valid with { Seed = -1 }).Validate()), "seed", ">= 0");

    [Fact]
    public void The_end_of_the_window_must_be_after_its_start()
    {
        var start = s_valid.Time.Start;
        var problems = (s_valid with { Time = new TimeWindowOptions { Start = start, End = start } }).Validate();
        AssertProblem(Assert.Single(problems), "time.end", "after time.start");
    }

    [Fact]
    public void Times_must_be_utc()
    {
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.FromHours(2));
        var problems = (s_valid with { Time = new TimeWindowOptions { Start = start, End = start.AddDays(30) } }).Validate();
        AssertProblem(Assert.Single(problems), "time", "UTC");
    }

    [Fact]
    public void The_smallest_consistency_must_not_exceed_the_largest()
    {
        var problems = (s_valid with { Users = s_valid.Users with { ConsistencyMin = 0.9, ConsistencyMax = 0.8 } }).Validate();
        AssertProblem(Assert.Single(problems), "users.consistency_min", "users.consistency_max");
    }

    [Fact]
    public void The_smallest_activity_must_not_exceed_the_largest()
    {
        var problems = (s_valid with { Users = s_valid.Users with { Activity = new ActivityOptions { Min = 5, Max = 2 } } }).Validate();
        AssertProblem(Assert.Single(problems), "users.activity.min", "users.activity.max");
    }

    [Fact]
    public void The_embedding_weights_must_add_up_to_at_most_one()
    {
        // Defaults add up to 0.94; a category weight of 0.6 makes 1.006.
        var problems = (s_valid with { Embedding = s_valid.Embedding with { Category = 0.6 } }).Validate();
        AssertProblem(Assert.Single(problems), "embedding", "at most 1");

        // Exactly 1 (no noise) is allowed.
        Assert.Empty((s_valid with { Embedding = s_valid.Embedding with { Category = 0.594 } }).Validate());
    }

    [Theory]
    [InlineData(520)]
    [InlineData(100)]
    public void The_embedding_length_must_be_a_multiple_of_16(int dimensions)
    {
        var problems = (s_valid with { Embedding = s_valid.Embedding with { Dimensions = dimensions } }).Validate();
        AssertProblem(problems, "embedding.dimensions", "multiple of 16");
    }

    [Fact]
    public void The_embedding_length_must_hold_every_attribute_prototype()
    {
        // 1 global + 6 categories + 28 subcategories + 6 × (10 colors + 6 patterns + 7 materials + 9 brands) = 227.
        var problems = (s_valid with { Embedding = s_valid.Embedding with { Dimensions = 224 } }).Validate();
        AssertProblem(Assert.Single(problems), "embedding.dimensions", "227");
        Assert.Empty((s_valid with { Embedding = s_valid.Embedding with { Dimensions = 240 } }).Validate());
    }

    [Fact]
    public void A_style_preference_may_not_ask_for_more_values_than_the_vocabulary_has()
    {
        var prefs = s_valid.Users.StylePreferences with { Colors = new CountRange(2, 11), Brands = new CountRange(4, 2), Patterns = new CountRange(0, 2) };
        var problems = (s_valid with { Users = s_valid.Users with { StylePreferences = prefs } }).Validate();
        AssertProblem(problems, "users.style_preferences.colors.max", "(10)");
        AssertProblem(problems, "users.style_preferences.brands.min", "users.style_preferences.brands.max");
        AssertProblem(problems, "users.style_preferences.patterns.min", "at least 1");
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void By_age_group_needs_a_mean_for_every_age_group()
    {
        ImmutableArray<NamedNumber> means = [new("18-24", 0.3), new("25-34", 0.4), new("35-44", 0.5), new("45-54", 0.6), new("70+", 0.5)];
        var cf = s_valid.Users.CfPreference with { ByAgeGroup = true, AgeGroupMeans = means };
        var problems = (s_valid with { Users = s_valid.Users with { CfPreference = cf } }).Validate();
        AssertProblem(problems, "users.cf_preference.age_group_means", "55+");
        AssertProblem(problems, "users.cf_preference.age_group_means.\"70+\"", "not an age group");
        Assert.Equal(2, problems.Count);

        // Off, the same table is not checked against the age groups.
        Assert.Empty((s_valid with { Users = s_valid.Users with { CfPreference = cf with { ByAgeGroup = false } } }).Validate());
    }

    [Fact]
    public void An_age_group_mean_must_be_strictly_between_0_and_1()
    {
        ImmutableArray<NamedNumber> means = [new("18-24", 1.0), new("25-34", 0.4), new("35-44", 0.5), new("45-54", 0.6), new("55+", 0.7)];
        var cf = s_valid.Users.CfPreference with { ByAgeGroup = true, AgeGroupMeans = means };
        var problems = (s_valid with { Users = s_valid.Users with { CfPreference = cf } }).Validate();
        AssertProblem(Assert.Single(problems), "users.cf_preference.age_group_means.18-24", "(0, 1)");
    }

    [Fact]
    public void Vocabulary_entries_are_checked_with_their_own_key_paths()
    {
        var catalog = s_valid.Catalog with
        {
            Colors = s_valid.Catalog.Colors.SetItem(0, new WeightedName("Black", -0.01)),
            Brands = s_valid.Catalog.Brands.SetItem(1, new PricedName("H&M", 0.16, 0)),
        };
        var problems = (s_valid with { Catalog = catalog }).Validate();
        AssertProblem(problems, "catalog.colors.Black", ">= 0");
        AssertProblem(problems, "catalog.brands.\"H&M\".price_factor", "(0, 1000]");
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Vocabularies_need_values_unique_names_and_some_weight()
    {
        var catalog = s_valid.Catalog with
        {
            Patterns = [],
            Sizes = [new("S", 1), new("S", 2)],
            Materials = [new("Cotton", 0), new("Wool", 0)],
            Categories = s_valid.Catalog.Categories.SetItem(0, s_valid.Catalog.Categories[0] with { Subcategories = [] }),
        };
        var users = s_valid.Users with
        {
            PriceSensitivity = new LevelWeights(0, 0, 0),
            StylePreferences = new StylePreferenceOptions { Patterns = new CountRange(1, 1), Materials = new CountRange(1, 2) },
        };
        var problems = (s_valid with { Catalog = catalog, Users = users }).Validate();
        AssertProblem(problems, "catalog.patterns", "at least one");
        AssertProblem(problems, "catalog.sizes", "twice");
        AssertProblem(problems, "catalog.materials", "more than 0");
        AssertProblem(problems, "catalog.categories.Tops.subcategories", "at least one subcategory");
        AssertProblem(problems, "users.price_sensitivity", "more than 0");
    }

    [Fact]
    public void A_style_preference_vocabulary_may_hold_at_most_32_values()
    {
        ImmutableArray<WeightedName> colors = [.. Enumerable.Range(0, 33).Select(i => new WeightedName("c" + i, 1))];
        var problems = (s_valid with { Catalog = s_valid.Catalog with { Colors = colors } }).Validate();
        AssertProblem(problems, "catalog.colors", "at most 32");
    }

    private static void AssertProblem(IReadOnlyList<OptionProblem> problems, string keyPath, string messagePart)
    {
        var matching = problems.Where(p => p.KeyPath == keyPath).ToList();
        Assert.True(matching.Count > 0, $"no problem at {keyPath}; problems: {string.Join(" | ", problems)}");
        Assert.True(matching.Exists(p => p.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"the problem at {keyPath} does not say \"{messagePart}\": {string.Join(" | ", matching)}");
    }

    private static void AssertProblem(OptionProblem problem, string keyPath, string messagePart) => AssertProblem([problem], keyPath, messagePart);
}

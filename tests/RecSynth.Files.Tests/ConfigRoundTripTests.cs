using System.Collections.Immutable;
using CsCheck;
using RecSynth.Configuration;
using RecSynth.Files.Config;

namespace RecSynth.Files.Tests;

/// <summary>ConfigWriter.Render writes a complete, commented config that ConfigFile.Parse reads back to the same options.</summary>
public sealed class ConfigRoundTripTests
{
    public static TheoryData<string> Presets() => [.. Enum.GetNames<Preset>()];

    [Fact]
    public void The_rendered_defaults_parse_back_to_the_defaults()
    {
        var defaults = new RecSynthOptions();

        var parsed = ConfigFile.Parse(ConfigWriter.Render(defaults));

        OptionsEquality.AssertEqual(defaults, parsed);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_rendered_preset_parses_back_to_equal_options(string presetName)
    {
        var preset = Enum.Parse<Preset>(presetName);
        var options = RecSynthOptions.FromPreset(preset);

        string text = ConfigWriter.Render(options, presetName.ToLowerInvariant());
        var parsed = ConfigFile.Parse(text);

        OptionsEquality.AssertEqual(options, parsed);
        Assert.Equal(RecSynth.Configuration.Presets.Sizes(preset).Products, parsed.Catalog.Count);
        Assert.Equal(RecSynth.Configuration.Presets.Sizes(preset).Users, parsed.Users.Count);
        Assert.Equal(OptionsJson.ToJson(options).ToJsonString(), OptionsJson.ToJson(parsed).ToJsonString());
    }

    [Fact]
    public void Options_that_differ_from_the_defaults_everywhere_survive_the_round_trip()
    {
        var changed = new RecSynthOptions
        {
            Seed = 1234567890123,
            Time = new TimeWindowOptions { Start = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero), End = new DateTimeOffset(2022, 2, 3, 4, 5, 6, TimeSpan.Zero) },
            Catalog = new CatalogOptions
            {
                Count = 777,
                ListedDuringShare = 0.123456789,
                ListedBeforeDays = 12,
                Price = new PriceOptions { Base = 12.5, Sigma = 0.1 },
                Popularity = new PopularityOptions { Sigma = 2.25 },
                Categories = [new("Hats, Caps & \"Toppers\"", 1.5, 1.25, ["Béret", "Cap, flat", "Top \"Hat\""]), new("Über", 0.5, 3, ["Ärmel\\los"])],
                Colors = [new("Rot, dunkel", 1), new("Blau \"Royal\"", 2), new("Grün", 3), new("黒", 4), new("Back\\slash", 5), new("Plain", 6)],
                Patterns = [new("Solid", 1), new("Dots, big", 2), new("Karo", 3)],
                Materials = [new("Cotton", 1), new("Seide", 2), new("Wolle, fein", 3), new("Leinen", 4)],
                Brands = [new("A, B & C", 1, 2), new("Q\"uote", 1, 0.5), new("Levi's", 2, 1), new("Ünïcode", 3, 1.5)],
                Conditions = [new("Neu", 1, 1.5), new("Alt, aber gut", 2, 0.5)],
                Sizes = [new("Einheitsgröße", 1)],
                Styles = [new("Casual", 2), new("Sporty, \"fast\"", 3)],
            },
            Users = new UserOptions
            {
                Count = 333,
                JoinedDuringShare = 0.5,
                JoinedBeforeDays = 99,
                AgeGroups = [new("young, very", 1), new("old", 2)],
                PriceSensitivity = new LevelWeights(1, 2, 3),
                SustainabilityFocus = new LevelWeights(3, 2, 1),
                StylePreferences = new StylePreferenceOptions { Colors = new(1, 2), Patterns = new(1, 1), Materials = new(2, 3), Brands = new(1, 4) },
                CfPreference = new CfPreferenceOptions { Alpha = 3, Beta = 0.5, ByAgeGroup = true, AgeGroupMeans = [new("young, very", 0.25), new("old", 0.75)] },
                ConsistencyMin = 0.5,
                ConsistencyMax = 0.9,
                Activity = new ActivityOptions { Median = 2, Sigma = 0.5, Min = 0.1, Max = 50 },
                Drift = new DriftOptions { Share = 0.25 },
            },
            Embedding = new EmbeddingOptions { Dimensions = 256, Dtype = EmbeddingDType.Float64, Global = 0.1, Category = 0.3, Subcategory = 0.1, Color = 0.05, Pattern = 0.04, Material = 0.03, Brand = 0.02 },
            Factors = new FactorOptions { Dimensions = 8, Communities = 3, StyleAffinity = 0.9, ItemNoise = 1.5, UserNoise = 2.5, Write = true },
            Behaviour = new BehaviourOptions
            {
                Policy = "fixed:0.4",
                SlateSize = 7,
                BlendLevels = [0, 0.1, 0.4, 2.0 / 3, 1],
                GroundTruth = false,
                GroundTruthSessions = 0,
                Sessions = new SessionOptions
                {
                    Weekly = [1, 1.5, 0, 0.25, 1, 3, 2.125],
                    Hourly = [.. Enumerable.Range(0, 24).Select(h => h / 7.0)],
                },
                Cf = new CfSourceOptions { Candidates = 50, PopularityWeight = 1.25, Noise = 0, ColdStartDays = 0, WarmUpPositives = 10 },
                Image = new ImageSourceOptions { Anchors = 5, Neighbours = 20, RecencyDiscount = 0.5, Noise = 0.1, CellSize = 32, Probes = 3 },
                Response = new ResponseOptions
                {
                    PositionBias = 1.5,
                    ViewScale = 2,
                    LikeScale = 0.5,
                    PurchaseScale = 0.125,
                    Satiation = 0.3,
                    SatiationThreshold = 0.25,
                    Revisit = 2.5,
                    ReferencePrice = 99.99,
                    InterestBias = -2.5,
                    Color = 1,
                    Pattern = -0.5,
                    Material = 0.75,
                    Brand = 0.1,
                    Style = 2,
                    Taste = 0.3,
                    Popularity = -0.2,
                    PricePenalty = new(0.2, 0.3, 0.4),
                    PurchasePricePenalty = new(-0.5, 0, 0.5),
                    Sustainability = new(1, 0.5, 0),
                    ConditionAppeal = [new("Alt, aber gut", 0.75), new("Neu", -1.5)],
                    DwellSeconds = 5,
                    LikeDelaySeconds = 0,
                    PurchaseDelaySeconds = 3600,
                },
            },
        };
        Assert.Empty(changed.Validate());
        Assert.Empty(DefaultLeaves(changed, "behaviour")); // every knob of the [behaviour] section is changed
        Assert.NotNull(OptionsEquality.FirstDifference(new RecSynthOptions(), changed)); // the comparison sees changes

        var parsed = ConfigFile.Parse(ConfigWriter.Render(changed));

        OptionsEquality.AssertEqual(changed, parsed);
    }

    /// <summary>The knob paths under <paramref name="section"/> whose value in <paramref name="options"/> equals the default.</summary>
    private static List<string> DefaultLeaves(RecSynthOptions options, string section)
    {
        var defaults = new RecSynthOptions();
        var same = new List<string>();
        foreach (var (path, kind, _) in KnobPaths.All().Where(k => k.Path.StartsWith(section + ".", StringComparison.Ordinal) && k.Kind != KnobPaths.Kind.Section))
        {
            object? a = Value(defaults, path), b = Value(options, path);
            if (OptionsEquality.FirstDifference(a, b) is null)
            {
                same.Add(path);
            }
        }

        return same;

        static object? Value(object record, string path)
        {
            object? value = record;
            foreach (string name in path.Split('.'))
            {
                value = value!.GetType().GetProperties().Single(p => KnobPaths.SnakeCase(p.Name) == name).GetValue(value);
            }

            return value;
        }
    }

    [Fact]
    public void The_rendered_config_has_a_comment_line_before_every_key()
    {
        var knobs = KnobPaths.All().ToDictionary(k => k.Path, StringComparer.Ordinal);
        string[] lines = ConfigWriter.Render(new RecSynthOptions()).Split('\n');
        string table = "";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('['))
            {
                table = line.Trim('[', ']');
                seen.Add(table);
                if (knobs[table].Kind == KnobPaths.Kind.Vocabulary)
                {
                    // A vocabulary table's comment comes first, then its entries.
                    Assert.True(lines[i + 1].StartsWith("# ", StringComparison.Ordinal), $"line {i + 2}: no comment at the top of [{table}]");
                    Assert.Contains(knobs[table].Knob!.Description, lines[i + 1], StringComparison.Ordinal);
                }

                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (knobs.TryGetValue(table, out var t) && t.Kind == KnobPaths.Kind.Vocabulary)
            {
                continue; // an entry of the vocabulary
            }

            string key = line[..line.IndexOf(" = ", StringComparison.Ordinal)];
            string path = table.Length == 0 ? key : table + "." + key;
            seen.Add(path);
            Assert.True(knobs.ContainsKey(path), $"line {i + 1}: {path} is not a knob");
            Assert.True(i > 0 && lines[i - 1].StartsWith("# ", StringComparison.Ordinal), $"line {i + 1}: no comment line before {path}");
            Assert.Contains(knobs[path].Knob!.Description, lines[i - 1], StringComparison.Ordinal);
        }

        Assert.Equal(knobs.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal)); // and every knob is written
    }

    [Fact]
    public void Random_valid_changes_to_numeric_knobs_survive_render_and_parse()
    {
        var start = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var gen =
            from seed in Gen.Long[0, long.MaxValue]
            from products in Gen.Int[1, 100_000_000]
            from users in Gen.Int[1, 2_000_000_000]
            from listed in Gen.Double[0, 1]
            from priceBase in Gen.Double[0.01, 1e6]
            from sigma in Gen.Double[0, 3]
            from alpha in Gen.Double[0.01, 1000]
            from consistencyMin in Gen.Double[0, 1]
            from startSeconds in Gen.Long[start, start + 40L * 365 * 86_400]
            from length in Gen.Long[1, 10L * 365 * 86_400]
            from write in Gen.Bool
            from behaviour in BehaviourGen()
            select new RecSynthOptions
            {
                Seed = seed,
                Time = new TimeWindowOptions { Start = DateTimeOffset.FromUnixTimeSeconds(startSeconds), End = DateTimeOffset.FromUnixTimeSeconds(startSeconds + length) },
                Catalog = new CatalogOptions { Count = products, ListedDuringShare = listed, Price = new PriceOptions { Base = priceBase, Sigma = sigma } },
                Users = new UserOptions { Count = users, ConsistencyMin = consistencyMin, CfPreference = new CfPreferenceOptions { Alpha = alpha } },
                Factors = new FactorOptions { Write = write },
                Behaviour = behaviour,
            };

        gen.Sample(options =>
        {
            Assert.Empty(options.Validate());
            var parsed = ConfigFile.Parse(ConfigWriter.Render(options));
            return OptionsEquality.FirstDifference(options, parsed) is null;
        }, iter: 200);
    }

    /// <summary>
    /// Valid [behaviour] sections with every number drawn from its knob's range: blend levels rising strictly from 0 to
    /// 1, 7 weekly and 24 hourly intensities not all zero, an appeal for each default condition, any logging policy.
    /// </summary>
    private static Gen<BehaviourOptions> BehaviourGen()
    {
        var levels = Gen.Double[0, 1].Array[0, 6].Select(inner => ImmutableArray.Create([0.0, .. inner.Where(x => x is > 0 and < 1).Distinct().Order(), 1.0]));
        var policy = Gen.OneOf(
            Gen.OneOfConst("uniform", "uniform-blend", "fixed:cf", "fixed:image"),
            Gen.Double[0, 1].Select(blend => "fixed:" + blend.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var sessions =
            from weekly in Gen.Double[0, 10].Array[7].Where(a => a.Sum() > 0)
            from hourly in Gen.Double[0, 10].Array[24].Where(a => a.Sum() > 0)
            select new SessionOptions { Weekly = [.. weekly], Hourly = [.. hourly] };
        var cf =
            from candidates in Gen.Int[10, 10_000]
            from popularity in Gen.Double[0, 10]
            from noise in Gen.Double[0, 10]
            from coldStart in Gen.Int[0, 3650]
            from warmUp in Gen.Int[0, 1000]
            select new CfSourceOptions { Candidates = candidates, PopularityWeight = popularity, Noise = noise, ColdStartDays = coldStart, WarmUpPositives = warmUp };
        var image =
            from anchors in Gen.Int[1, 20]
            from neighbours in Gen.Int[10, 1000]
            from recency in Gen.Double[0, 1]
            from noise in Gen.Double[0, 1]
            from cellSize in Gen.Int[16, 100_000]
            from probes in Gen.Int[1, 1000]
            select new ImageSourceOptions { Anchors = anchors, Neighbours = neighbours, RecencyDiscount = recency, Noise = noise, CellSize = cellSize, Probes = probes };
        var level = Gen.Double[-100, 100].Array[3].Select(v => new LevelValues(v[0], v[1], v[2]));
        var scales = Gen.Double[0, 100].Array[3];
        var weights = Gen.Double[-10, 10].Array[7];
        string[] conditions = [.. new CatalogOptions().Conditions.Select(c => c.Name)];
        var response =
            from positionBias in Gen.Double[0, 5]
            from scale in scales
            from satiation in Gen.Double[0, 1]
            from threshold in Gen.Double[0, 1].Where(t => t < 1)
            from referencePrice in Gen.Double[0.01, 1e6]
            from bias in Gen.Double[-20, 20]
            from w in weights
            from penalty in level
            from purchasePenalty in level
            from sustainability in level
            from appeal in Gen.Double[-10, 10].Array[conditions.Length]
            from dwell in Gen.Double[0, 3600]
            from delays in Gen.Double[0, 86_400].Array[2]
            select new ResponseOptions
            {
                PositionBias = positionBias,
                ViewScale = scale[0],
                LikeScale = scale[1],
                PurchaseScale = scale[2],
                Satiation = satiation,
                SatiationThreshold = threshold,
                ReferencePrice = referencePrice,
                InterestBias = bias,
                Color = w[0],
                Pattern = w[1],
                Material = w[2],
                Brand = w[3],
                Style = w[4],
                Taste = w[5],
                Popularity = w[6],
                PricePenalty = penalty,
                PurchasePricePenalty = purchasePenalty,
                Sustainability = sustainability,
                ConditionAppeal = [.. conditions.Select((name, i) => new NamedNumber(name, appeal[i]))],
                DwellSeconds = dwell,
                LikeDelaySeconds = delays[0],
                PurchaseDelaySeconds = delays[1],
            };
        return
            from p in policy
            from slate in Gen.Int[1, 100]
            from blend in levels
            from groundTruth in Gen.Bool
            from truthSessions in Gen.Int[0, 1_000_000]
            from s in sessions
            from c in cf
            from i in image
            from r in response
            select new BehaviourOptions
            {
                Policy = p,
                SlateSize = slate,
                BlendLevels = blend,
                GroundTruth = groundTruth,
                GroundTruthSessions = truthSessions,
                Sessions = s,
                Cf = c,
                Image = i,
                Response = r,
            };
    }

    [Fact]
    public void Random_valid_behaviour_sections_survive_render_and_parse()
    {
        BehaviourGen().Sample(behaviour =>
        {
            var options = new RecSynthOptions { Behaviour = behaviour };
            Assert.Empty(options.Validate());
            var parsed = ConfigFile.Parse(ConfigWriter.Render(options));
            return OptionsEquality.FirstDifference(options, parsed) is null;
        }, iter: 300);
    }

    [Fact]
    public void Random_printable_vocabulary_names_survive_render_and_parse()
    {
        const string characters = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~éßÜ€黒";
        var pieces = Gen.OneOf(Gen.Char[characters].Select(c => c.ToString()), Gen.Const("😀"));
        var names = pieces.Array[1, 12].Select(string.Concat).Where(n => n.Trim().Length > 0);
        var gen = names.Array[5, 8].Where(a => a.Distinct().Count() == a.Length);

        gen.Sample(colors =>
        {
            var options = new RecSynthOptions { Catalog = new CatalogOptions { Colors = [.. colors.Select(c => new WeightedName(c, 1))] } };
            var parsed = ConfigFile.Parse(ConfigWriter.Render(options));
            return OptionsEquality.FirstDifference(options, parsed) is null;
        }, iter: 300);
    }

    [Fact]
    public void Random_printable_condition_names_survive_render_and_parse_in_the_catalogue_and_the_condition_appeal_table()
    {
        // The conditions are a vocabulary of the catalogue, and behaviour.response.condition_appeal a table keyed by them.
        const string characters = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~éßÜ€黒";
        var pieces = Gen.OneOf(Gen.Char[characters].Select(c => c.ToString()), Gen.Const("😀"));
        var names = pieces.Array[1, 12].Select(string.Concat).Where(n => n.Trim().Length > 0);
        var gen =
            from conditions in names.Array[1, 6].Where(a => a.Distinct().Count() == a.Length)
            from appealed in Gen.Int[1, conditions.Length] // a partial table, but not an empty one
            from appeal in Gen.Double[-10, 10].Array[appealed]
            select new RecSynthOptions
            {
                Catalog = new CatalogOptions { Conditions = [.. conditions.Select(c => new PricedName(c, 1, 1))] },
                Behaviour = new BehaviourOptions
                {
                    Response = new ResponseOptions { ConditionAppeal = [.. conditions.Take(appealed).Select((c, i) => new NamedNumber(c, appeal[i]))] },
                },
            };

        gen.Sample(options =>
        {
            Assert.Empty(options.Validate());
            var parsed = ConfigFile.Parse(ConfigWriter.Render(options));
            return OptionsEquality.FirstDifference(options, parsed) is null;
        }, iter: 300);
    }

    [Fact]
    public void Vocabulary_names_with_line_breaks_or_control_characters_are_refused()
    {
        // A name is written as a TOML key and as a CSV field: a line break or control character has no faithful
        // place in either, so validation refuses it up front, naming the table.
        foreach (string name in new[] { "X\nL", "X\tL", "X\u0001L" })
        {
            var options = new RecSynthOptions { Catalog = new CatalogOptions { Sizes = [new(name, 1), new("S", 1)] } };
            var problem = Assert.Single(options.Validate());
            Assert.Equal("catalog.sizes", problem.KeyPath);
            Assert.Contains("control characters", problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_time_with_fractional_seconds_is_refused()
    {
        // The data has second precision, and the writers print whole seconds: a fraction would be silently lost.
        var e = Assert.Throws<OptionsException>(() => ConfigFile.Parse("[time]\nstart = 2023-01-01T00:00:00.5Z\n"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal("time.start", problem.KeyPath);
        Assert.Contains("whole second", problem.Message, StringComparison.Ordinal);
    }
}

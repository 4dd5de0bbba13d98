using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using RecSynth.Configuration;

namespace RecSynth.Internals;

/// <summary>Checks every knob against its range, then the rules that span several knobs; reports all problems.</summary>
internal static class OptionsValidator
{
    /// <summary>Attribute masks are 32-bit, so a vocabulary used in style_preferences holds at most 32 values.</summary>
    public const int MaxMaskedVocabulary = 32;

    /// <summary>Vocabulary names are short labels (they go into titles, CSV fields, JSON and TOML keys).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Attribute codes are bytes.</summary>
    public const int MaxVocabulary = 255;

    public static IReadOnlyList<OptionProblem> Validate(RecSynthOptions options)
    {
        var problems = new List<OptionProblem>();
        Walk(options, "", problems);
        CrossChecks(options, problems);
        return problems;
    }

    private static void Walk(object record, string prefix, List<OptionProblem> problems)
    {
        foreach (var property in OptionsSchema.Knobs(record.GetType()))
        {
            string path = OptionsSchema.Join(prefix, OptionsSchema.SnakeCase(property.Name));
            var knob = OptionsSchema.Knob(property);
            object? value = property.GetValue(record);
            CheckValue(value, property.PropertyType, knob, path, problems);
        }
    }

    private static void CheckValue(object? value, Type type, KnobAttribute? knob, string path, List<OptionProblem> problems)
    {
        switch (value)
        {
            case null:
                problems.Add(new(path, "(missing)", "is required"));
                return;
            case double d when !double.IsFinite(d):
                problems.Add(new(path, Text(d), "must be a finite number"));
                return;
            case double or int or long:
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!OptionsSchema.InRange(number, knob))
                {
                    problems.Add(new(path, Text(value), OptionsSchema.MustBe(knob)));
                }

                return;
            case string s when s.Length == 0:
                problems.Add(new(path, "\"\"", "must not be empty"));
                return;
            case Enum e when !Enum.IsDefined(e.GetType(), e):
                problems.Add(new(path, Text(e), OptionsSchema.MustBe(knob)));
                return;
        }

        if (OptionsSchema.ArrayElement(type) is { } element && element == typeof(double))
        {
            CheckNumbers((ImmutableArray<double>)value, knob, path, problems);
        }
        else if (OptionsSchema.ArrayElement(type) is { } element2)
        {
            CheckArray((IEnumerable)value, element2, knob, path, problems);
        }
        else if (OptionsSchema.IsRecord(type))
        {
            Walk(value, path, problems);
        }
    }

    private static void CheckNumbers(ImmutableArray<double> values, KnobAttribute? knob, string path, List<OptionProblem> problems)
    {
        if (values.IsDefaultOrEmpty)
        {
            problems.Add(new(path, "[]", "must list at least one number"));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || !OptionsSchema.InRange(values[i], knob))
            {
                problems.Add(new($"{path}[{i}]", Text(values[i]), double.IsFinite(values[i]) ? OptionsSchema.MustBe(knob) : "must be a finite number"));
            }
        }
    }

    private static void CheckArray(IEnumerable values, Type element, KnobAttribute? knob, string path, List<OptionProblem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        double totalWeight = 0;
        bool weighted = false;
        foreach (object? item in values)
        {
            count++;
            string name = item is INamedEntry entry ? entry.Name : item as string ?? "";
            if (name.Length == 0)
            {
                problems.Add(new(path, "\"\"", "names must not be empty"));
                continue;
            }

            if (name.Length > MaxNameLength)
            {
                problems.Add(new(path, name[..20] + "…", $"names may be at most {MaxNameLength} characters"));
                continue;
            }

            if (name.Any(char.IsControl))
            {
                problems.Add(new(path, name.Replace("\n", "\\n", StringComparison.Ordinal), "names must not contain line breaks or other control characters"));
                continue;
            }

            if (!names.Add(name))
            {
                problems.Add(new(path, name, "appears twice; names must be unique"));
            }

            if (item is not INamedEntry)
            {
                continue;
            }

            string entryPath = OptionsSchema.Join(path, OptionsSchema.TomlKey(name));
            var entryKnobs = OptionsSchema.EntryKnobs(element);
            foreach (var property in entryKnobs)
            {
                object? v = property.GetValue(item);
                string p = entryKnobs.Count == 1 ? entryPath : OptionsSchema.Join(entryPath, OptionsSchema.SnakeCase(property.Name));
                CheckValue(v, property.PropertyType, OptionsSchema.Knob(property), p, problems);
                if (entryKnobs.Count == 1 && v is double d && double.IsFinite(d) && !OptionsSchema.InRange(d, knob))
                {
                    problems.Add(new(p, Text(d), OptionsSchema.MustBe(knob)));
                }

                if (property.Name == nameof(WeightedName.Weight) && v is double w)
                {
                    weighted = true;
                    totalWeight += w;
                }
            }
        }

        if (count == 0)
        {
            problems.Add(new(path, "[]", "must list at least one value"));
        }
        else if (weighted && !(totalWeight > 0))
        {
            problems.Add(new(path, Text(totalWeight), "weights must add up to more than 0"));
        }
    }

    private static void CrossChecks(RecSynthOptions o, List<OptionProblem> problems)
    {
        if (o.Time.End <= o.Time.Start)
        {
            problems.Add(new("time.end", Rfc3339(o.Time.End), $"must be after time.start ({Rfc3339(o.Time.Start)})"));
        }

        if (o.Time.Start.Offset != TimeSpan.Zero || o.Time.End.Offset != TimeSpan.Zero)
        {
            problems.Add(new("time", Rfc3339(o.Time.Start) + " .. " + Rfc3339(o.Time.End), "times must be UTC (end with Z)"));
        }

        foreach (var (key, time) in new[] { ("time.start", o.Time.Start), ("time.end", o.Time.End) })
        {
            if (time.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                problems.Add(new(key, time.ToString("O", CultureInfo.InvariantCulture), "must be a whole second (the data has second precision)"));
            }
        }

        // Products and users dated before the period must still fall in years 0001-9999 (RFC 3339 timestamps).
        int before = Math.Max(o.Catalog.ListedBeforeDays, o.Users.JoinedBeforeDays);
        if (o.Time.Start.UtcDateTime < DateTime.MinValue.AddDays(before + 1))
        {
            problems.Add(new("time.start", Rfc3339(o.Time.Start), $"must be at least {before} days (catalog.listed_before_days, users.joined_before_days) after 0001-01-01"));
        }

        if (o.Time.End.UtcDateTime > new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc))
        {
            problems.Add(new("time.end", Rfc3339(o.Time.End), "must be before 9999-12-31"));
        }

        var c = o.Catalog;
        CheckSize("catalog.colors", c.Colors.Length, MaxMaskedVocabulary, problems);
        CheckSize("catalog.patterns", c.Patterns.Length, MaxMaskedVocabulary, problems);
        CheckSize("catalog.materials", c.Materials.Length, MaxMaskedVocabulary, problems);
        CheckSize("catalog.brands", c.Brands.Length, MaxMaskedVocabulary, problems);
        CheckSize("catalog.categories", c.Categories.Length, MaxVocabulary, problems);
        CheckSize("catalog.conditions", c.Conditions.Length, MaxVocabulary, problems);
        CheckSize("catalog.sizes", c.Sizes.Length, MaxVocabulary, problems);
        CheckSize("catalog.styles", c.Styles.Length, MaxVocabulary, problems);
        CheckSize("users.age_groups", o.Users.AgeGroups.Length, MaxVocabulary, problems);
        int subcategories = 0;
        foreach (var category in c.Categories)
        {
            string path = "catalog.categories." + OptionsSchema.TomlKey(category.Name) + ".subcategories";
            if (category.Subcategories.IsDefaultOrEmpty)
            {
                problems.Add(new(path, "[]", "must list at least one subcategory"));
                continue;
            }

            subcategories += category.Subcategories.Length;
        }

        CheckSize("catalog.categories (all subcategories)", subcategories, MaxVocabulary, problems);

        var e = o.Embedding;
        if (e.Noise < -1e-12)
        {
            problems.Add(new("embedding", Text(1 - e.Noise), "the weights global + category + subcategory + color + pattern + material + brand must add up to at most 1 (the rest is noise)"));
        }

        if (e.Dimensions % 16 != 0)
        {
            problems.Add(new("embedding.dimensions", Text(e.Dimensions), "must be a multiple of 16"));
        }

        int prototypes = PrototypeCount(c);
        if (e.Dimensions < prototypes)
        {
            problems.Add(new("embedding.dimensions", Text(e.Dimensions), $"must be at least the number of attribute prototypes of this vocabulary ({prototypes})"));
        }

        var u = o.Users;
        CheckCounts("users.style_preferences.colors", u.StylePreferences.Colors, Positive(c.Colors), problems);
        CheckCounts("users.style_preferences.patterns", u.StylePreferences.Patterns, Positive(c.Patterns), problems);
        CheckCounts("users.style_preferences.materials", u.StylePreferences.Materials, Positive(c.Materials), problems);
        CheckCounts("users.style_preferences.brands", u.StylePreferences.Brands, PositivePriced(c.Brands), problems);
        CheckLevels("users.price_sensitivity", u.PriceSensitivity, problems);
        CheckLevels("users.sustainability_focus", u.SustainabilityFocus, problems);
        if (u.ConsistencyMin > u.ConsistencyMax)
        {
            problems.Add(new("users.consistency_min", Text(u.ConsistencyMin), $"must not exceed users.consistency_max ({Text(u.ConsistencyMax)})"));
        }

        if (u.Activity.Min > u.Activity.Max)
        {
            problems.Add(new("users.activity.min", Text(u.Activity.Min), $"must not exceed users.activity.max ({Text(u.Activity.Max)})"));
        }

        CheckBehaviour(o, problems);

        if (u.CfPreference.ByAgeGroup && !u.AgeGroups.IsDefault && !u.CfPreference.AgeGroupMeans.IsDefault)
        {
            var groups = u.AgeGroups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
            var means = u.CfPreference.AgeGroupMeans.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            foreach (string missing in groups.Except(means, StringComparer.Ordinal))
            {
                problems.Add(new("users.cf_preference.age_group_means", "(no " + missing + ")", $"needs a mean for every age group in users.age_groups; \"{missing}\" has none"));
            }

            foreach (string extra in means.Except(groups, StringComparer.Ordinal))
            {
                problems.Add(new("users.cf_preference.age_group_means." + OptionsSchema.TomlKey(extra), extra, "is not an age group of users.age_groups"));
            }
        }
    }

    private static int Positive(ImmutableArray<WeightedName> values) => values.IsDefault ? 0 : values.Count(v => v.Weight > 0);

    private static int PositivePriced(ImmutableArray<PricedName> values) => values.IsDefault ? 0 : values.Count(v => v.Weight > 0);

    private static void CheckBehaviour(RecSynthOptions o, List<OptionProblem> problems)
    {
        var b = o.Behaviour;
        if (b.Policy is not null && !Simulation.PolicySpec.TryParse(b.Policy, Simulation.PolicyUse.Logging, out _, out string? error))
        {
            problems.Add(new("behaviour.policy", b.Policy, error));
        }

        if (!b.BlendLevels.IsDefaultOrEmpty)
        {
            var levels = b.BlendLevels;
            bool sorted = levels.Zip(levels.Skip(1), (x, y) => x < y).All(ok => ok);
            if (!sorted || levels[0] != 0 || levels[^1] != 1)
            {
                problems.Add(new("behaviour.blend_levels", "[" + string.Join(", ", levels.Select(l => Text(l))) + "]",
                    "must rise strictly from 0 (pure CF) to 1 (pure image)"));
            }
        }

        if (!b.Sessions.Weekly.IsDefault && (b.Sessions.Weekly.Length != 7 || !(b.Sessions.Weekly.Sum() > 0)))
        {
            problems.Add(new("behaviour.sessions.weekly", b.Sessions.Weekly.Length + " values", "needs 7 values, Monday to Sunday, not all 0"));
        }

        if (!b.Sessions.Hourly.IsDefault && (b.Sessions.Hourly.Length != 24 || !(b.Sessions.Hourly.Sum() > 0)))
        {
            problems.Add(new("behaviour.sessions.hourly", b.Sessions.Hourly.Length + " values", "needs 24 values, 00 to 23 UTC, not all 0"));
        }

        if (!b.Response.ConditionAppeal.IsDefault && !o.Catalog.Conditions.IsDefault)
        {
            var conditions = o.Catalog.Conditions.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var appeal in b.Response.ConditionAppeal.Where(a => !conditions.Contains(a.Name)))
            {
                problems.Add(new("behaviour.response.condition_appeal." + OptionsSchema.TomlKey(appeal.Name), appeal.Name, "is not a condition of catalog.conditions"));
            }
        }

    }

    /// <summary>What only the behaviour simulation needs: it holds the embeddings and factors in single arrays.</summary>
    public static IReadOnlyList<OptionProblem> ValidateForBehaviour(RecSynthOptions o)
    {
        var problems = new List<OptionProblem>();
        if ((long)o.Catalog.Count * o.Embedding.Dimensions > Array.MaxLength)
        {
            problems.Add(new("catalog.count", Text(o.Catalog.Count), $"times embedding.dimensions must stay within {Array.MaxLength:N0} for the behaviour simulation, which holds the embeddings in memory"));
        }

        if ((long)o.Users.Count * o.Factors.Dimensions > Array.MaxLength)
        {
            problems.Add(new("users.count", Text(o.Users.Count), $"times factors.dimensions must stay within {Array.MaxLength:N0} for the behaviour simulation"));
        }

        return problems;
    }

    public static int PrototypeCount(CatalogOptions c)
    {
        int categories = c.Categories.IsDefault ? 0 : c.Categories.Length;
        int subcategories = c.Categories.IsDefault ? 0 : c.Categories.Sum(x => x.Subcategories.IsDefault ? 0 : x.Subcategories.Length);
        int perCategory = Len(c.Colors) + Len(c.Patterns) + Len(c.Materials) + Len(c.Brands);
        return 1 + categories + subcategories + categories * perCategory;

        static int Len<T>(ImmutableArray<T> a) => a.IsDefault ? 0 : a.Length;
    }

    private static void CheckSize(string path, int count, int max, List<OptionProblem> problems)
    {
        if (count > max)
        {
            problems.Add(new(path, count + " values", $"may hold at most {max} values"));
        }
    }

    private static void CheckCounts(string path, CountRange? range, int vocabulary, List<OptionProblem> problems)
    {
        if (range is null)
        {
            return;
        }

        if (range.Min > range.Max)
        {
            problems.Add(new(path + ".min", Text(range.Min), $"must not exceed {path}.max ({range.Max})"));
        }

        if (range.Max > vocabulary)
        {
            problems.Add(new(path + ".max", Text(range.Max), $"must not exceed the number of values with a weight above 0 to choose from ({vocabulary})"));
        }

        if (range.Min < 1)
        {
            problems.Add(new(path + ".min", Text(range.Min), "must be at least 1"));
        }
    }

    private static void CheckLevels(string path, LevelWeights? levels, List<OptionProblem> problems)
    {
        if (levels is not null && !(levels.Low + levels.Medium + levels.High > 0))
        {
            problems.Add(new(path, Text(levels.Low + levels.Medium + levels.High), "weights must add up to more than 0"));
        }
    }

    private static string Text(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Rfc3339(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}

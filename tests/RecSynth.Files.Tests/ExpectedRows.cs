using System.Globalization;
using System.Text.Json;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Files.Tests;

/// <summary>
/// The CSV rows the in-memory model implies, formatted with .NET's own formatting (not the writers' hand-written code),
/// and the column lists of docs/design.md.
/// </summary>
internal static class ExpectedRows
{
    /// <summary>docs/design.md §2.</summary>
    public static readonly string[] ProductColumns =
        ["item_id", "category", "subcategory", "style", "color", "pattern", "material", "brand", "condition", "size", "price", "listed_at", "popularity", "title"];

    /// <summary>docs/design.md §3.</summary>
    public static readonly string[] UserColumns =
    [
        "user_id", "age_group", "primary_style", "price_sensitivity", "sustainability_focus", "style_preferences",
        "cf_preference", "preference_consistency", "activity", "signed_up_at", "drift_at", "cf_preference_after",
    ];

    /// <summary>docs/design.md §4.13.</summary>
    public static readonly string[] InteractionColumns = ["FeedbackType", "UserId", "ItemId", "Timestamp", "RecType", "SessionId", "Position"];

    /// <summary>docs/design.md §4.13.</summary>
    public static readonly string[] SessionColumns =
        ["SessionId", "UserId", "StartedAt", "Policy", "Arm", "Propensity", "SlateSize", "Views", "Likes", "Purchases", "Reward"];

    private static readonly string[] Levels = ["Low", "Medium", "High"];

    public static string Time(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string[][] Products(RecSynthOptions options)
    {
        var catalog = ProductCatalog.Generate(options, TestContext.Current.CancellationToken);
        var v = catalog.Vocabulary;
        var rows = new string[catalog.Items.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            var item = catalog.Items[i];
            Assert.Equal(i, item.Index);
            rows[i] =
            [
                "item_" + i.ToString(CultureInfo.InvariantCulture),
                v.Categories[item.Category],
                v.Subcategories[item.Subcategory],
                v.Styles[item.Style],
                v.Colors[item.Color],
                v.Patterns[item.Pattern],
                v.Materials[item.Material],
                v.Brands[item.Brand],
                v.Conditions[item.Condition],
                v.Sizes[item.Size],
                item.Price.ToString("F2", CultureInfo.InvariantCulture),
                Time(item.ListedAt),
                item.Popularity.ToString("F4", CultureInfo.InvariantCulture),
                $"{v.Colors[item.Color]} {v.Patterns[item.Pattern]} {v.Subcategories[item.Subcategory]} by {v.Brands[item.Brand]} ({v.Conditions[item.Condition]})",
            ];
        }

        return rows;
    }

    /// <summary>Users rows; column 5 (style_preferences) holds the expected lists as compact JSON of a fixed shape.</summary>
    public static string[][] Users(RecSynthOptions options)
    {
        var population = UserPopulation.Generate(options, TestContext.Current.CancellationToken);
        var c = options.Catalog;
        var rows = new string[population.Users.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            var user = population.Users[i];
            rows[i] =
            [
                "U" + i.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(6, (options.Users.Count - 1).ToString(CultureInfo.InvariantCulture).Length), '0'),
                options.Users.AgeGroups[user.AgeGroup].Name,
                c.Styles[user.PrimaryStyle].Name,
                Levels[user.PriceSensitivity],
                Levels[user.SustainabilityFocus],
                StylePreferences(
                    Masked(c.Colors.Select(x => x.Name), user.ColorMask),
                    Masked(c.Patterns.Select(x => x.Name), user.PatternMask),
                    Masked(c.Materials.Select(x => x.Name), user.MaterialMask),
                    Masked(c.Brands.Select(x => x.Name), user.BrandMask)),
                user.CfPreference.ToString("F4", CultureInfo.InvariantCulture),
                user.PreferenceConsistency.ToString("F4", CultureInfo.InvariantCulture),
                user.Activity.ToString("F4", CultureInfo.InvariantCulture),
                Time(user.SignedUpAt),
                user.DriftAt is long drift ? Time(drift) : "",
                user.CfPreferenceAfter is double after ? after.ToString("F4", CultureInfo.InvariantCulture) : "",
            ];
        }

        return rows;
    }

    /// <summary>The values whose bit is set, in vocabulary order.</summary>
    public static string[] Masked(IEnumerable<string> names, uint mask) => [.. names.Where((_, i) => (mask & (1u << i)) != 0)];

    public static string StylePreferences(string[] colors, string[] patterns, string[] materials, string[] brands) =>
        JsonSerializer.Serialize(new Dictionary<string, string[]> { ["colors"] = colors, ["patterns"] = patterns, ["materials"] = materials, ["brands"] = brands });

    /// <summary>Re-serialises a style_preferences cell in the fixed shape above (after checking it has exactly those keys, in order).</summary>
    public static string NormaliseStylePreferences(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(["colors", "patterns", "materials", "brands"], document.RootElement.EnumerateObject().Select(p => p.Name));
        string[] List(string key) => [.. document.RootElement.GetProperty(key).EnumerateArray().Select(e => e.GetString()!)];
        return StylePreferences(List("colors"), List("patterns"), List("materials"), List("brands"));
    }

    /// <summary>Reads a CSV with Sep: header and every row's fields (unescaped).</summary>
    public static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        using var reader = Csv.Open(path);
        string[] header = [.. reader.Header.ColNames];
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            var fields = new string[row.ColCount];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = row[i].ToString();
            }

            rows.Add(fields);
        }

        return (header, rows);
    }

    /// <summary>Asserts the file's rows equal the expected ones, field by field, naming the first difference.</summary>
    public static void AssertCsv(string path, string[] columns, string[][] expected, int jsonColumn = -1)
    {
        var (header, rows) = ReadCsv(path);
        Assert.Equal(columns, header);
        Assert.Equal(expected.Length, rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            Assert.True(rows[r].Length == columns.Length, $"{Path.GetFileName(path)} row {r + 1}: {rows[r].Length} fields");
            for (int c = 0; c < columns.Length; c++)
            {
                string actual = c == jsonColumn ? NormaliseStylePreferences(rows[r][c]) : rows[r][c];
                if (actual != expected[r][c])
                {
                    Assert.Fail($"{Path.GetFileName(path)} row {r + 1}, column {columns[c]}: expected «{expected[r][c]}» but the file has «{actual}»");
                }
            }
        }
    }
}

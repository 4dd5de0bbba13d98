using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RecSynth.Catalog;
using RecSynth.Users;

namespace RecSynth.Files.Internals;

/// <summary>Formats <c>users.csv</c> rows (docs/design.md §3).</summary>
internal sealed class UsersCsv
{
    public static readonly ImmutableArray<string> Columns =
    [
        "user_id", "age_group", "primary_style", "price_sensitivity", "sustainability_focus", "style_preferences",
        "cf_preference", "preference_consistency", "activity", "signed_up_at", "drift_at", "cf_preference_after",
    ];

    private static readonly byte[][] s_levels = [.. UserPopulation.Levels.Select(Encoding.UTF8.GetBytes)];
    private readonly byte[][] _ageGroups, _styles;

    // JSON string literals of each value, already CSV-escaped (quotes doubled), e.g. ""Black"".
    private readonly byte[][] _colors, _patterns, _materials, _brands;
    private readonly int _idWidth;

    public UsersCsv(ImmutableArray<string> ageGroups, CatalogVocabulary vocabulary, int userCount)
    {
        _ageGroups = ProductsCsv.Escaped(ageGroups);
        _styles = ProductsCsv.Escaped(vocabulary.Styles);
        _colors = JsonLiterals(vocabulary.Colors);
        _patterns = JsonLiterals(vocabulary.Patterns);
        _materials = JsonLiterals(vocabulary.Materials);
        _brands = JsonLiterals(vocabulary.Brands);
        _idWidth = IdWidth(userCount);
        MaxRowBytes = 512 + 2 * (ProductsCsv.Longest(_ageGroups) + ProductsCsv.Longest(_styles))
            + Total(_colors) + Total(_patterns) + Total(_materials) + Total(_brands);
    }

    public int MaxRowBytes { get; }

    public static byte[] Header => Encoding.UTF8.GetBytes(string.Join(',', Columns) + "\n");

    public int WriteRow(in User user, Span<byte> destination)
    {
        var row = new Utf8Row(destination);
        row.Byte((byte)'U');
        row.ZeroPadded(user.Index, _idWidth);
        row.Comma();
        row.Raw(_ageGroups[user.AgeGroup]);
        row.Comma();
        row.Raw(_styles[user.PrimaryStyle]);
        row.Comma();
        row.Raw(s_levels[user.PriceSensitivity]);
        row.Comma();
        row.Raw(s_levels[user.SustainabilityFocus]);
        row.Comma();

        // "{""colors"":[""Black"",""Gray""],""patterns"":[…],""materials"":[…],""brands"":[…]}"
        row.Raw("\"{\"\"colors\"\":"u8);
        List(ref row, _colors, user.ColorMask);
        row.Raw(",\"\"patterns\"\":"u8);
        List(ref row, _patterns, user.PatternMask);
        row.Raw(",\"\"materials\"\":"u8);
        List(ref row, _materials, user.MaterialMask);
        row.Raw(",\"\"brands\"\":"u8);
        List(ref row, _brands, user.BrandMask);
        row.Raw("}\""u8);
        row.Comma();

        row.Fixed(user.CfPreference, 4);
        row.Comma();
        row.Fixed(user.PreferenceConsistency, 4);
        row.Comma();
        row.Fixed(user.Activity, 4);
        row.Comma();
        row.Timestamp(user.SignedUpAt);
        row.Comma();
        if (user.DriftAt is long driftAt)
        {
            row.Timestamp(driftAt);
        }

        row.Comma();
        if (user.CfPreferenceAfter is double after)
        {
            row.Fixed(after, 4);
        }

        row.EndLine();
        return row.Length;
    }

    private static void List(ref Utf8Row row, byte[][] literals, uint mask)
    {
        row.Byte((byte)'[');
        bool first = true;
        while (mask != 0)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            if (!first)
            {
                row.Byte((byte)',');
            }

            row.Raw(literals[i]);
            first = false;
        }

        row.Byte((byte)']');
    }

    /// <summary>The digits of a user id after its "U" (at least 6): U000042, or U0000042 among ten million users.</summary>
    internal static int IdWidth(int userCount) => UserPopulation.UserId(Math.Max(userCount - 1, 0), userCount).Length - 1;

    /// <summary>A name as a JSON string literal: relaxed escaping keeps "H&amp;M" and "Levi's" readable; the result is still valid JSON.</summary>
    internal static string JsonLiteral(string name) => "\"" + JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";

    private static byte[][] JsonLiterals(ImmutableArray<string> names) =>
        [.. names.Select(name => Encoding.UTF8.GetBytes(JsonLiteral(name).Replace("\"", "\"\"", StringComparison.Ordinal)))];

    private static int Total(byte[][] values) => values.Sum(v => v.Length + 1) + 2;
}

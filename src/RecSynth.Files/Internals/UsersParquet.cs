using System.Collections.Immutable;
using RecSynth.Catalog;
using RecSynth.Users;

namespace RecSynth.Files.Internals;

/// <summary>Fills <c>users.parquet</c> rows: the fields of <see cref="UsersCsv"/>, typed (docs/design.md §3).</summary>
internal sealed class UsersParquet
{
    private readonly ImmutableArray<string> _ageGroups, _styles;
    private readonly string[][] _lists; // JSON string literals of the colours, patterns, materials and brands
    private readonly int _idWidth;
    private readonly int _maxPreferences;

    public UsersParquet(ImmutableArray<string> ageGroups, CatalogVocabulary vocabulary, int userCount)
    {
        _ageGroups = ageGroups;
        _styles = vocabulary.Styles;
        _lists = [.. new[] { vocabulary.Colors, vocabulary.Patterns, vocabulary.Materials, vocabulary.Brands }.Select(names => names.Select(UsersCsv.JsonLiteral).ToArray())];
        _idWidth = UsersCsv.IdWidth(userCount);
        _maxPreferences = 64 + _lists.Sum(list => list.Sum(literal => literal.Length + 1));
    }

    private static readonly string[] s_keys = ["{\"colors\":", ",\"patterns\":", ",\"materials\":", ",\"brands\":"];

    public void WriteRow(in User user, ref ParquetRow row)
    {
        row.Id("U", user.Index, _idWidth);
        row.Text(_ageGroups[user.AgeGroup]);
        row.Text(_styles[user.PrimaryStyle]);
        row.Text(UserPopulation.Levels[user.PriceSensitivity]);
        row.Text(UserPopulation.Levels[user.SustainabilityFocus]);

        // {"colors":["Black","Gray"],"patterns":[…],"materials":[…],"brands":[…]}
        var json = row.StartText(_maxPreferences);
        int length = 0;
        ReadOnlySpan<uint> masks = [user.ColorMask, user.PatternMask, user.MaterialMask, user.BrandMask];
        for (int k = 0; k < masks.Length; k++)
        {
            Append(json, ref length, s_keys[k]);
            Append(json, ref length, "[");
            for (uint mask = masks[k]; mask != 0; mask &= mask - 1)
            {
                Append(json, ref length, _lists[k][System.Numerics.BitOperations.TrailingZeroCount(mask)]);
                Append(json, ref length, (mask & (mask - 1)) != 0 ? "," : "]");
            }

            if (masks[k] == 0)
            {
                Append(json, ref length, "]");
            }
        }

        Append(json, ref length, "}");
        row.EndText(length);

        row.Fixed(user.CfPreference, 4);
        row.Fixed(user.PreferenceConsistency, 4);
        row.Fixed(user.Activity, 4);
        row.Time(user.SignedUpAt);
        if (user.DriftAt is long driftAt)
        {
            row.Time(driftAt);
        }
        else
        {
            row.Null();
        }

        if (user.CfPreferenceAfter is double after)
        {
            row.Fixed(after, 4);
        }
        else
        {
            row.Null();
        }
    }

    private static void Append(Span<char> text, ref int length, string part)
    {
        part.CopyTo(text[length..]);
        length += part.Length;
    }
}

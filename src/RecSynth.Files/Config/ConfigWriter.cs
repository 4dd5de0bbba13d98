using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using RecSynth.Configuration;

namespace RecSynth.Files.Config;

/// <summary>Writes options as a complete, commented TOML config: every knob with its value, meaning and range.</summary>
public static class ConfigWriter
{
    /// <summary>The TOML text of <paramref name="options"/>; <see cref="ConfigFile.Parse"/> reads it back to equal options.</summary>
    public static string Render(RecSynthOptions options, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder();
        text.AppendLine("# RecSynth configuration: every knob, with its default and meaning.");
        text.AppendLine(preset is null
            ? "# Written by `recsynth init`."
            : $"# Written by `recsynth init --preset {preset}`.");
        text.AppendLine("# Command-line options (--seed, --products, --users, --preset) override this file.");
        text.AppendLine("# Reference: docs/config.md. Ranges are inclusive unless written with ( or ).");
        WriteRecord(text, options, "", null);
        return text.ToString().TrimEnd() + "\n";
    }

    /// <summary>
    /// The TOML text of fitted <paramref name="options"/>: <paramref name="header"/> as the first comment lines, and
    /// above each knob of <paramref name="notes"/> (by config path) a comment <c># fitted: …</c> with its note.
    /// </summary>
    public static string RenderFitted(RecSynthOptions options, IReadOnlyList<string> header, IReadOnlyDictionary<string, string> notes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(notes);
        var text = new StringBuilder();
        foreach (string line in header)
        {
            text.Append("# ").AppendLine(line);
        }

        text.AppendLine("# Reference: docs/config.md (every knob) and docs/fitting.md (what is fitted, and how).");
        WriteRecord(text, options, "", notes);
        return text.ToString().TrimEnd() + "\n";
    }

    private static void WriteRecord(StringBuilder text, object record, string path, IReadOnlyDictionary<string, string>? notes)
    {
        var knobs = OptionsSchema.Knobs(record.GetType());
        var tables = new List<PropertyInfo>();
        foreach (var property in knobs)
        {
            var knob = OptionsSchema.Knob(property);
            var type = property.PropertyType;
            bool isSection = OptionsSchema.IsRecord(type) && knob is null;
            bool isVocabulary = OptionsSchema.ArrayElement(type) is { } element && OptionsSchema.IsNamedEntry(element);
            if (isSection || isVocabulary)
            {
                tables.Add(property);
                continue;
            }

            text.AppendLine();
            Comment(text, knob, property);
            if (notes is not null && notes.TryGetValue(OptionsSchema.Join(path, OptionsSchema.SnakeCase(property.Name)), out string? note))
            {
                text.Append("# fitted: ").AppendLine(note);
            }

            text.Append(OptionsSchema.SnakeCase(property.Name)).Append(" = ").AppendLine(Value(property.GetValue(record)));
        }

        foreach (var property in tables)
        {
            string tablePath = OptionsSchema.Join(path, OptionsSchema.SnakeCase(property.Name));
            object value = property.GetValue(record)!;
            text.AppendLine();
            text.Append('[').Append(tablePath).AppendLine("]");
            var knob = OptionsSchema.Knob(property);
            if (OptionsSchema.ArrayElement(property.PropertyType) is { } element)
            {
                Comment(text, knob, property);
                var entryKnobs = OptionsSchema.EntryKnobs(element);
                foreach (INamedEntry entry in (IEnumerable)value)
                {
                    text.AppendLine(Entry(entry, entryKnobs));
                }
            }
            else
            {
                string? summary = Summary(property.PropertyType);
                if (summary is not null)
                {
                    text.Append("# ").AppendLine(summary);
                }

                WriteRecord(text, value, tablePath, notes);
            }
        }
    }

    private static void Comment(StringBuilder text, KnobAttribute? knob, PropertyInfo property)
    {
        if (knob is null)
        {
            return;
        }

        string? range = OptionsSchema.RangeText(knob);
        text.Append("# ").Append(knob.Description);
        if (range is not null && !property.PropertyType.IsEnum)
        {
            text.Append(" (").Append(range).Append(')');
        }
        else if (range is not null)
        {
            text.Append(": ").Append(range);
        }

        text.AppendLine();
    }

    /// <summary>One vocabulary entry as a TOML line: <c>Name = value</c> or <c>Name = { knob = value, … }</c>.</summary>
    internal static string Entry(INamedEntry entry, IReadOnlyList<PropertyInfo> entryKnobs) =>
        OptionsSchema.TomlKey(entry.Name) + " = " + (entryKnobs.Count == 1
            ? Value(entryKnobs[0].GetValue(entry))
            : "{ " + string.Join(", ", entryKnobs.Select(k => OptionsSchema.SnakeCase(k.Name) + " = " + Value(k.GetValue(entry)))) + " }");

    /// <summary>A TOML value: numbers, strings, booleans, date-times, arrays, inline tables.</summary>
    internal static string Value(object? value) => value switch
    {
        null => "\"\"",
        bool b => b ? "true" : "false",
        int or long => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        double d => Double(d),
        string s => Quote(s),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Enum e => Quote(e.ToString().ToLowerInvariant()),
        IEnumerable<string> list => "[" + string.Join(", ", list.Select(Quote)) + "]",
        IEnumerable<double> numbers => "[" + string.Join(", ", numbers.Select(Double)) + "]",
        _ when OptionsSchema.IsRecord(value.GetType()) =>
            "{ " + string.Join(", ", OptionsSchema.Knobs(value.GetType()).Select(k => OptionsSchema.SnakeCase(k.Name) + " = " + Value(k.GetValue(value)))) + " }",
        _ => throw new NotSupportedException($"cannot write {value.GetType()} as TOML"),
    };

    private static string Double(double d)
    {
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s.Replace("E", "e", StringComparison.Ordinal) : s + ".0";
    }

    private static string Quote(string s)
    {
        var text = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\t' => text.Append("\\t"),
                '\r' => text.Append("\\r"),
                < ' ' => text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    private static string? Summary(Type type) => type.Name switch
    {
        nameof(TimeWindowOptions) => "The simulated period: products are listed and users sign up relative to it.",
        nameof(CatalogOptions) => "The catalogue (docs/design.md §2): products.csv and embeddings.npy.",
        nameof(UserOptions) => "The users (docs/design.md §3): users.csv.",
        nameof(EmbeddingOptions) => "Image embeddings: unit vectors from orthonormal attribute prototypes plus noise; two products' expected cosine is the sum of the weights they share (same category, different subcategory: global + category + the shared attributes, 0.62 on average).",
        nameof(FactorOptions) => "Hidden collaborative factors: taste communities that CF can discover and images cannot.",
        nameof(PriceOptions) => "Price = base x category factor x brand factor x condition factor x lognormal(0, sigma), rounded to cents.",
        nameof(PopularityOptions) => "Latent popularity: heavy-tailed, so that interactions follow a long tail.",
        nameof(StylePreferenceOptions) => "How many values each list of style_preferences holds (drawn by frequency, without repetition).",
        nameof(CfPreferenceOptions) => "cf_preference: the inherent preference for CF over image recommendations.",
        nameof(ActivityOptions) => "activity: sessions per week, log-normal and clipped.",
        nameof(DriftOptions) => "Preference drift (off by default).",
        _ => null,
    };
}

using System.Collections;
using System.Reflection;
using System.Text;
using RecSynth.Configuration;

namespace RecSynth.Files.Config;

/// <summary>The config reference (<c>docs/config.md</c>), generated from the same knob descriptions as <c>recsynth init</c>.</summary>
public static class ConfigReference
{
    /// <summary>The reference as Markdown.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# Configuration reference");
        text.AppendLine();
        text.AppendLine("<!-- Generated from the options' own descriptions by ConfigReference.Render(); a test keeps it in sync. -->");
        text.AppendLine();
        text.AppendLine("RecSynth reads a TOML file (`recsynth generate -c recsynth.toml`); `recsynth init` writes one with every");
        text.AppendLine("knob below, its default and its meaning. Keys you leave out keep their defaults. Command-line options");
        text.AppendLine("(`--seed`, `--products`, `--users`, `--preset`) override the file. Every problem in a file is reported at");
        text.AppendLine("once, with its line, key path, value and the allowed range; an unknown key is an error with a suggestion.");
        text.AppendLine();
        text.AppendLine("Vocabulary tables (`catalog.colors`, `catalog.brands`, …) replace the default vocabulary as a whole when");
        text.AppendLine("given. Ranges are inclusive unless written with `(` or `)`.");
        Section(text, new RecSynthOptions(), "", "Top level");
        text.AppendLine();
        text.AppendLine("## Rules across keys");
        text.AppendLine();
        text.AppendLine("Besides each key's own range, a config must satisfy:");
        text.AppendLine();
        text.AppendLine("- `time.end` after `time.start`; both whole seconds; a time with an offset is converted to UTC. Products and");
        text.AppendLine("  users dated before the period (`catalog.listed_before_days`, `users.joined_before_days`) must fall after 0001-01-01.");
        text.AppendLine("- The embedding weights (`global` … `brand`) add up to at most 1 (the rest is per-item noise), and");
        text.AppendLine("  `embedding.dimensions` is a multiple of 16 and at least the number of attribute prototypes");
        text.AppendLine("  (1 + categories + subcategories + categories × (colors + patterns + materials + brands); 227 by default).");
        text.AppendLine("- Each `users.style_preferences` range has `min` ≥ 1, `min` ≤ `max`, and `max` at most the number of values");
        text.AppendLine("  with a weight above 0 in the matching catalogue vocabulary.");
        text.AppendLine("- `users.consistency_min` ≤ `users.consistency_max`; `users.activity.min` ≤ `users.activity.max`.");
        text.AppendLine("- With `users.cf_preference.by_age_group`, `age_group_means` names exactly the groups of `users.age_groups`.");
        text.AppendLine("- Vocabulary names are unique within their table, 1–100 characters, without line breaks or control characters;");
        text.AppendLine("  colors, patterns, materials and brands hold at most 32 values, the other tables at most 255.");
        return text.ToString().TrimEnd() + "\n";
    }

    private static void Section(StringBuilder text, object record, string path, string title)
    {
        var knobs = OptionsSchema.Knobs(record.GetType());
        var scalars = new List<PropertyInfo>();
        var nested = new List<PropertyInfo>();
        foreach (var property in knobs)
        {
            bool table = (OptionsSchema.IsRecord(property.PropertyType) && OptionsSchema.Knob(property) is null)
                || (OptionsSchema.ArrayElement(property.PropertyType) is { } e && OptionsSchema.IsNamedEntry(e));
            (table ? nested : scalars).Add(property);
        }

        if (scalars.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"## {title}");
            text.AppendLine();
            text.AppendLine("| key | default | allowed | meaning |");
            text.AppendLine("|---|---|---|---|");
            foreach (var property in scalars)
            {
                var knob = OptionsSchema.Knob(property);
                string key = OptionsSchema.Join(path, OptionsSchema.SnakeCase(property.Name));
                text.AppendLine($"| `{key}` | `{Cell(ConfigWriter.Value(property.GetValue(record)))}` | {Cell(OptionsSchema.RangeText(knob) ?? "")} | {Cell(knob?.Description ?? "")} |");
            }
        }

        foreach (var property in nested)
        {
            string key = OptionsSchema.Join(path, OptionsSchema.SnakeCase(property.Name));
            object value = property.GetValue(record)!;
            if (OptionsSchema.ArrayElement(property.PropertyType) is { } element)
            {
                var knob = OptionsSchema.Knob(property);
                var entryKnobs = OptionsSchema.EntryKnobs(element);
                text.AppendLine();
                text.AppendLine($"## `[{key}]`");
                text.AppendLine();
                text.AppendLine(knob?.Description is { } d ? char.ToUpperInvariant(d[0]) + d[1..] + "." : "");
                text.AppendLine(entryKnobs.Count == 1
                    ? $"Each entry is `Name = {OptionsSchema.SnakeCase(entryKnobs[0].Name)}`{Range(OptionsSchema.RangeText(knob) ?? OptionsSchema.RangeText(OptionsSchema.Knob(entryKnobs[0])))}. Defaults:"
                    : $"Each entry is `Name = {{ {string.Join(", ", entryKnobs.Select(k => OptionsSchema.SnakeCase(k.Name) + " = …"))} }}`. Defaults:");
                text.AppendLine();
                text.AppendLine("```toml");
                foreach (INamedEntry entry in (IEnumerable)value)
                {
                    text.AppendLine(ConfigWriter.Entry(entry, entryKnobs));
                }

                text.AppendLine("```");
            }
            else
            {
                Section(text, value, key, $"`[{key}]`");
            }
        }
    }

    private static string Range(string? range) => range is null ? "" : $", {range}";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}

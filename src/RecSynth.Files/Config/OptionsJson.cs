using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Configuration;

namespace RecSynth.Files.Config;

/// <summary>The effective config as JSON (for <c>manifest.json</c>), in the same shape and key names as the TOML file.</summary>
internal static class OptionsJson
{
    public static JsonObject ToJson(RecSynthOptions options) => (JsonObject)Node(options)!;

    /// <summary>Reads a config written by <see cref="ToJson"/> back (validated).</summary>
    public static RecSynthOptions FromJson(JsonObject json, string sourceName) =>
        ConfigFile.Bind((Dictionary<string, object?>)Plain(json)!, sourceName, lines: null, new RecSynthOptions());

    /// <summary>The key paths (in TOML form) whose values differ between two configs, leaving out <paramref name="ignore"/>.</summary>
    public static IReadOnlyList<string> Differences(JsonObject a, JsonObject b, params string[] ignore)
    {
        var left = Flatten(a, "");
        var right = Flatten(b, "");
        return [.. left.Keys.Union(right.Keys, StringComparer.Ordinal)
            .Where(k => !ignore.Contains(k, StringComparer.Ordinal) && left.GetValueOrDefault(k) != right.GetValueOrDefault(k))
            .Order(StringComparer.Ordinal)];
    }

    private static Dictionary<string, string?> Flatten(JsonObject json, string prefix)
    {
        var flat = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in json)
        {
            string path = OptionsSchema.Join(prefix, key);
            if (value is JsonObject nested)
            {
                foreach (var (k, v) in Flatten(nested, path))
                {
                    flat[k] = v;
                }
            }
            else
            {
                flat[path] = value?.ToJsonString();
            }
        }

        return flat;
    }

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        DateTimeOffset t => JsonValue.Create(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        Enum e => JsonValue.Create(e.ToString().ToLowerInvariant()),
        IEnumerable<string> strings => new JsonArray([.. strings.Select(s => (JsonNode?)JsonValue.Create(s))]),
        IEnumerable<double> numbers => new JsonArray([.. numbers.Select(d => (JsonNode?)JsonValue.Create(d))]),
        IEnumerable entries when value.GetType().IsGenericType => Entries(entries, value.GetType().GetGenericArguments()[0]),
        _ => Record(value),
    };

    private static JsonObject Record(object record)
    {
        var json = new JsonObject();
        foreach (var property in OptionsSchema.Knobs(record.GetType()))
        {
            json[OptionsSchema.SnakeCase(property.Name)] = Node(property.GetValue(record));
        }

        return json;
    }

    private static JsonObject Entries(IEnumerable entries, Type element)
    {
        var knobs = OptionsSchema.EntryKnobs(element);
        var json = new JsonObject();
        foreach (INamedEntry entry in entries)
        {
            if (knobs.Count == 1)
            {
                json[entry.Name] = Node(knobs[0].GetValue(entry));
                continue;
            }

            var fields = new JsonObject();
            foreach (var knob in knobs)
            {
                fields[OptionsSchema.SnakeCase(knob.Name)] = Node(knob.GetValue(entry));
            }

            json[entry.Name] = fields;
        }

        return json;
    }

    /// <summary>A JSON number as a long when it is written as an integer, else as a double (whatever CLR type backs the node).</summary>
    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(v.ToJsonString()),
            _ => null,
        },
        _ => null,
    };
}

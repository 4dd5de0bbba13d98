using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecSynth.Gorse.TestServer;

/// <summary>Reading request bodies as Gorse's Go decoder does: keys in any letter case, unknown keys ignored, wrong types refused.</summary>
internal static class Wire
{
    /// <summary>A refused request: 400 with a plain-text message.</summary>
    internal sealed class BadRequest(string message) : Exception(message);

    public static JsonElement? Field(JsonElement row, string name)
    {
        JsonElement? found = null;
        foreach (var property in row.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                found = property.Value;
            }
        }

        return found;
    }

    public static string Text(JsonElement row, string name) => Text(Field(row, name), name);

    public static string Text(JsonElement? value, string name)
    {
        return value switch
        {
            null or { ValueKind: JsonValueKind.Null } => "",
            { ValueKind: JsonValueKind.String } v => v.GetString()!,
            _ => throw new BadRequest($"json: cannot unmarshal {Kind(value.Value)} into Go struct field .{name} of type string"),
        };
    }

    public static double Number(JsonElement row, string name) => Number(Field(row, name), name);

    public static double Number(JsonElement? value, string name)
    {
        return value switch
        {
            null or { ValueKind: JsonValueKind.Null } => 0,
            { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
            _ => throw new BadRequest($"json: cannot unmarshal {Kind(value.Value)} into Go struct field .{name} of type float64"),
        };
    }

    public static bool Bool(JsonElement row, string name)
    {
        var value = Field(row, name);
        return value switch
        {
            null or { ValueKind: JsonValueKind.Null } => false,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => throw new BadRequest($"json: cannot unmarshal {Kind(value.Value)} into Go struct field .{name} of type bool"),
        };
    }

    public static List<string>? Strings(JsonElement row, string name)
    {
        var value = Field(row, name);
        if (value is null or { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Array || value.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new BadRequest($"json: cannot unmarshal {Kind(value.Value)} into Go struct field .{name} of type []string");
        }

        return [.. value.Value.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A string timestamp: empty or missing is the zero time (year 1), as in Gorse; anything unparsable refuses the request.</summary>
    public static DateTimeOffset Time(JsonElement row, string name) => Time(Field(row, name), name);

    public static DateTimeOffset Time(JsonElement? value, string name)
    {
        string text = Text(value, name);
        if (text.Length == 0)
        {
            return DateTimeOffset.MinValue;
        }

        // The common case first: RFC 3339 UTC in whole seconds, as RecSynth sends it.
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new BadRequest($"parsing time \"{text}\": unknown format");
    }

    /// <summary>Labels as Gorse's ValidateLabels allows them: strings, numbers, flat arrays of one of them, objects of these, null.</summary>
    public static JsonNode? Labels(JsonElement row)
    {
        var value = Field(row, "Labels");
        if (value is null or { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        Validate(value.Value);
        return JsonNode.Parse(value.Value.GetRawText());
    }

    private static void Validate(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null:
                return;
            case JsonValueKind.Array:
                var kinds = value.EnumerateArray().Select(e => e.ValueKind).Distinct().ToArray();
                if (kinds.Length > 1 || kinds.Any(k => k is not (JsonValueKind.String or JsonValueKind.Number)))
                {
                    throw new BadRequest("unsupported labels: an array must hold only strings or only numbers");
                }

                return;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Validate(property.Value);
                }

                return;
            default:
                throw new BadRequest($"unsupported type in labels: {Kind(value)}");
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };
}

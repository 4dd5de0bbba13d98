using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecSynth.Gorse.Database;

/// <summary>
/// JSON text as Gorse stores it in its <c>labels</c> and <c>categories</c> columns: Gorse decodes a request's labels
/// into Go values (objects become maps, every number a float64) and writes them back with Go's <c>json.Marshal</c>,
/// which sorts object keys bytewise, writes numbers in Go's shortest form (<c>1e-7</c>, <c>0.000015</c>, <c>3</c>), and
/// escapes <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 (and, since Go 1.22, writes <c>\b</c> and <c>\f</c> short). Rows push writes into the database are therefore
/// byte for byte the rows Gorse writes for the same REST request (docs/gorse.md, "Loading into Gorse's database").
/// </summary>
internal static class GoJson
{
    /// <summary>Go sorts map keys as byte strings: UTF-8 order, which differs from UTF-16 order only above U+D7FF.</summary>
    private static readonly Comparer<string> s_utf8Order = Comparer<string>.Create(GorseDataset.Utf8Compare);

    /// <summary>The value as Go's <c>json.Marshal</c> writes it after decoding it into <c>any</c>.</summary>
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Append(text, node);
        return text.ToString();
    }

    /// <summary>A list of strings (categories) as Go writes a <c>[]string</c>.</summary>
    public static string Write(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder();
        AppendArray(text, values, AppendString);
        return text.ToString();
    }

    /// <summary>JSON text read from a database in Go's form: the same text for values equal as JSON (key order, spacing, number spelling aside).</summary>
    public static string Canonical(string? json)
    {
        if (json is null)
        {
            return "null";
        }

        using var document = JsonDocument.Parse(json);
        var text = new StringBuilder(json.Length);
        AppendElement(text, document.RootElement);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                AppendObject(text, obj.Select(pair => (pair.Key, pair.Value)), Append);
                break;
            case JsonArray array:
                AppendArray(text, array, Append);
                break;
            case JsonValue value:
                AppendValue(text, value);
                break;
        }
    }

    private static void AppendValue(StringBuilder text, JsonValue value)
    {
        // The common cases first, without asking the value its kind (which costs more than formatting it).
        if (value.TryGetValue(out float single))
        {
            Span<char> digits = stackalloc char[32];
            single.TryFormat(digits, out int length, "R", CultureInfo.InvariantCulture);
            AppendNumber(text, single, digits[..length]);
            return;
        }

        if (value.TryGetValue(out string? s))
        {
            AppendString(text, s);
            return;
        }

        if (value.TryGetValue(out JsonElement element))
        {
            AppendElement(text, element);
            return;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Number:
                // A double as it is; an integer type by its JSON spelling, read as a float64 as Go reads it.
                AppendNumber(text, value.TryGetValue(out double number) ? number : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));
                break;
            default:
                text.Append("null");
                break;
        }
    }

    /// <summary>A parsed value: numbers by their spelling read as a float64, as Go reads them.</summary>
    private static void AppendElement(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                AppendObject(text, element.EnumerateObject().Select(p => (p.Name, p.Value)), AppendElement);
                break;
            case JsonValueKind.Array:
                AppendArray(text, element.EnumerateArray(), AppendElement);
                break;
            case JsonValueKind.String:
                AppendString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                AppendNumber(text, element.GetDouble());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    /// <summary>Go's encoding/json float64 form: shortest round-trip digits, exponent form below 1e-6 and from 1e21 on, a negative exponent without leading zeros.</summary>
    internal static void AppendNumber(StringBuilder text, double x)
    {
        Span<char> digits = stackalloc char[32];
        x.TryFormat(digits, out int length, "R", CultureInfo.InvariantCulture);
        AppendNumber(text, x, digits[..length]);
    }

    /// <param name="text">Where the number goes.</param>
    /// <param name="x">Its value.</param>
    /// <param name="spelled">Its shortest round-trip digits in .NET's "R" form: 123.45, 0.001, 1.5E-05, 1E+21.</param>
    private static void AppendNumber(StringBuilder text, double x, ReadOnlySpan<char> spelled)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "JSON has no NaN or infinity");
        }

        if (x == 0)
        {
            text.Append(double.IsNegative(x) ? "-0" : "0");
            return;
        }

        double abs = Math.Abs(x);
        bool exponential = abs < 1e-6 || abs >= 1e21;
        if (!exponential && spelled.IndexOf('E') < 0)
        {
            text.Append(spelled); // .NET writes plain digits as Go's 'f' form does: 100, 0.5, -123.45
            return;
        }

        // The digits d1 d2 … dn and the exponent e of d1.d2…dn × 10^e.
        string r = spelled.ToString();
        int mark = r.IndexOf('E', StringComparison.Ordinal);
        string mantissa = (mark < 0 ? r : r[..mark]).TrimStart('-');
        int exponent = mark < 0 ? 0 : int.Parse(r[(mark + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string whole = point < 0 ? mantissa : mantissa[..point];
        string all = whole + (point < 0 ? "" : mantissa[(point + 1)..]);
        int leadingZeros = all.Length - all.TrimStart('0').Length;
        string digits = all.TrimStart('0').TrimEnd('0');
        int e = exponent + whole.Length - 1 - leadingZeros;
        if (x < 0)
        {
            text.Append('-');
        }

        if (exponential)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(e < 0 ? '-' : '+');
            text.Append(Math.Abs(e).ToString(e < 0 ? "0" : "00", CultureInfo.InvariantCulture));
        }
        else if (e >= digits.Length - 1)
        {
            text.Append(digits).Append('0', e - (digits.Length - 1));
        }
        else if (e >= 0)
        {
            text.Append(digits, 0, e + 1).Append('.').Append(digits, e + 1, digits.Length - e - 1);
        }
        else
        {
            text.Append("0.").Append('0', -e - 1).Append(digits);
        }
    }

    /// <summary>An object as Go writes a map: members sorted by key as byte strings (UTF-8 order), compact.</summary>
    private static void AppendObject<T>(StringBuilder text, IEnumerable<(string Key, T Value)> members, Action<StringBuilder, T> append)
    {
        text.Append('{');
        bool first = true;
        foreach (var (key, value) in members.OrderBy(m => m.Key, s_utf8Order))
        {
            text.Append(first ? "" : ",");
            first = false;
            AppendString(text, key);
            text.Append(':');
            append(text, value);
        }

        text.Append('}');
    }

    private static void AppendArray<T>(StringBuilder text, IEnumerable<T> items, Action<StringBuilder, T> append)
    {
        text.Append('[');
        bool first = true;
        foreach (var item in items)
        {
            text.Append(first ? "" : ",");
            first = false;
            append(text, item);
        }

        text.Append(']');
    }

    /// <summary>A string as Go's encoder writes it (HTML-safe, U+2028/U+2029 escaped, lowercase hex).</summary>
    internal static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b"); // Go 1.22 on
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}

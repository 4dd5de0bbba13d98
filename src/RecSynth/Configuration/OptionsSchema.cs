using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text;
namespace RecSynth.Configuration;

/// <summary>
/// The shape of the options tree, read by reflection once: which properties are knobs, how they are
/// named in TOML, which are sections, vocabulary tables or scalars. Validation, the TOML binder,
/// <c>recsynth init</c> and the config reference all walk this one description; so can a tool that writes or checks
/// RecSynth configs.
/// </summary>
public static class OptionsSchema
{
    /// <summary>The knobs of an options record, in declaration order (the order of the config file).</summary>
    public static IReadOnlyList<PropertyInfo> Knobs([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        s_knobs.GetOrAdd(type, static t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)]);

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_knobs = new();

    /// <summary>The knob's description, default and range, or null for a section.</summary>
    public static KnobAttribute? Knob(PropertyInfo property) => property.GetCustomAttribute<KnobAttribute>();

    /// <summary>A nested options record (a TOML table), as opposed to a scalar or a list.</summary>
    public static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(RecSynthOptions).Namespace;

    /// <summary>The element type when <paramref name="type"/> is ImmutableArray&lt;T&gt;, else null.</summary>
    public static Type? ArrayElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>A vocabulary entry (a named value with weights), written as a TOML table keyed by its name.</summary>
    public static bool IsNamedEntry(Type type) => typeof(INamedEntry).IsAssignableFrom(type);

    /// <summary>The knobs of a vocabulary entry other than its name.</summary>
    public static IReadOnlyList<PropertyInfo> EntryKnobs(Type entryType) =>
        [.. Knobs(entryType).Where(p => p.Name != nameof(INamedEntry.Name))];

    /// <summary>A property's TOML name: <c>GroundTruthSessions</c> is <c>ground_truth_sessions</c>.</summary>
    public static string SnakeCase(string pascal)
    {
        ArgumentNullException.ThrowIfNull(pascal);
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]) && char.IsUpper(pascal[i - 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>A TOML key, quoted when it is not a bare key.</summary>
    public static string TomlKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool bare = name.Length > 0;
        foreach (char c in name)
        {
            bare &= char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-';
        }

        return bare ? name : "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A key path: <paramref name="key"/> under <paramref name="prefix"/> (e.g. behaviour.cf.noise).</summary>
    public static string Join(string prefix, string key)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Length == 0 ? key : prefix + "." + key;
    }

    /// <summary>The allowed range of a knob in words, e.g. "[0, 1]" or "> 0".</summary>
    public static string? RangeText(KnobAttribute? knob)
    {
        if (knob is null)
        {
            return null;
        }

        if (knob.OneOf is not null)
        {
            return "one of " + string.Join(", ", knob.OneOf.Split('|'));
        }

        bool hasMin = !double.IsNaN(knob.Min);
        bool hasMax = !double.IsNaN(knob.Max);
        if (hasMin && hasMax)
        {
            return $"{(knob.MinExclusive ? "(" : "[")}{Number(knob.Min)}, {Number(knob.Max)}{(knob.MaxExclusive ? ")" : "]")}";
        }

        if (hasMin)
        {
            return (knob.MinExclusive ? "> " : ">= ") + Number(knob.Min);
        }

        return hasMax ? (knob.MaxExclusive ? "< " : "<= ") + Number(knob.Max) : null;
    }

    /// <summary>"must be in [0, 1]", "must be >= 0"…</summary>
    public static string MustBe(KnobAttribute? knob)
    {
        string range = RangeText(knob) ?? "valid";
        return range[0] is '[' or '(' ? "must be in " + range : "must be " + range;
    }

    /// <summary>A number as the config and its messages write it: invariant, large whole numbers with _ separators.</summary>
    public static string Number(double value) =>
        Math.Abs(value) >= 10_000 && value == Math.Floor(value)
            ? value.ToString("#,0", CultureInfo.InvariantCulture).Replace(",", "_", StringComparison.Ordinal)
            : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="value"/> lies in the knob's range (always, without a knob).</summary>
    public static bool InRange(double value, KnobAttribute? knob)
    {
        if (knob is null)
        {
            return true;
        }

        if (!double.IsNaN(knob.Min) && (knob.MinExclusive ? value <= knob.Min : value < knob.Min))
        {
            return false;
        }

        return double.IsNaN(knob.Max) || (knob.MaxExclusive ? value < knob.Max : value <= knob.Max);
    }
}

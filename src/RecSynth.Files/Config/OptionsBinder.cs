using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using RecSynth.Configuration;
using Tomlyn;

namespace RecSynth.Files.Config;

/// <summary>
/// Binds a tree of tables (TOML, or the JSON config in a manifest) onto the options records, starting from
/// their defaults. Collects every problem — unknown keys (with a did-you-mean), wrong types — instead of
/// stopping at the first.
/// </summary>
internal static class OptionsBinder
{
    // RFC 3339 date-times with a zone (Z or ±hh:mm), as the TOML writer and the manifest write them.
    private static readonly string[] s_rfc3339 =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    private static readonly Lazy<string[]> s_allPaths = new(() => [.. AllPaths(typeof(RecSynthOptions), "")]);

    public static RecSynthOptions Bind(IDictionary<string, object?> root, RecSynthOptions defaults, List<OptionProblem> problems) =>
        (RecSynthOptions)BindRecord(typeof(RecSynthOptions), defaults, root, "", problems);

    private static object BindRecord(Type type, object current, IDictionary<string, object?> table, string path, List<OptionProblem> problems)
    {
        var knobs = OptionsSchema.Knobs(type);
        object result = Clone(current);
        foreach (var (key, value) in table)
        {
            string keyPath = OptionsSchema.Join(path, OptionsSchema.TomlKey(key));
            var property = knobs.FirstOrDefault(p => OptionsSchema.SnakeCase(p.Name) == key);
            if (property is null)
            {
                problems.Add(new(keyPath, Describe(value), "unknown key" + Suggestion(key, keyPath, knobs)));
                continue;
            }

            if (Convert(property.PropertyType, property.GetValue(result), value, keyPath, problems, out object? converted))
            {
                property.SetValue(result, converted);
            }
        }

        return result;
    }

    private static bool Convert(Type type, object? current, object? value, string path, List<OptionProblem> problems, out object? result)
    {
        result = null;
        switch (value)
        {
            case null:
                problems.Add(new(path, "(empty)", "needs a value"));
                return false;
        }

        if (type == typeof(int) || type == typeof(long))
        {
            if (AsInteger(value) is long n && (type == typeof(long) || n is >= int.MinValue and <= int.MaxValue))
            {
                result = type == typeof(int) ? (object)(int)n : n;
                return true;
            }

            return Fail(problems, path, value, type == typeof(int) ? "must be a whole number (32-bit)" : "must be a whole number", out result);
        }

        if (type == typeof(double))
        {
            switch (value)
            {
                case double d:
                    result = d;
                    return true;
                case long l:
                    result = (double)l;
                    return true;
                default:
                    return Fail(problems, path, value, "must be a number", out result);
            }
        }

        if (type == typeof(bool))
        {
            return value is bool b ? Ok(b, out result) : Fail(problems, path, value, "must be true or false", out result);
        }

        if (type == typeof(string))
        {
            return value is string s ? Ok(s, out result) : Fail(problems, path, value, "must be a string", out result);
        }

        if (type.IsEnum)
        {
            string[] names = [.. Enum.GetNames(type).Select(n => n.ToLowerInvariant())];
            if (value is string s && Array.IndexOf(names, s.ToLowerInvariant()) is int i and >= 0)
            {
                result = Enum.Parse(type, Enum.GetNames(type)[i]);
                return true;
            }

            return Fail(problems, path, value, "must be one of " + string.Join(", ", names.Select(n => "\"" + n + "\"")), out result);
        }

        if (type == typeof(DateTimeOffset))
        {
            switch (value)
            {
                case TomlDateTime t when t.Kind is TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber:
                    result = t.DateTime.ToUniversalTime();
                    return true;
                case DateTimeOffset o:
                    result = o.ToUniversalTime();
                    return true;
                case string s when DateTimeOffset.TryParseExact(s, s_rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    result = parsed.ToUniversalTime();
                    return true;
                default:
                    return Fail(problems, path, value, "must be an RFC 3339 date-time with a time zone, e.g. 2023-01-01T00:00:00Z", out result);
            }
        }

        if (OptionsSchema.ArrayElement(type) is { } element)
        {
            if (element == typeof(double))
            {
                return BindNumbers(value, path, problems, out result);
            }

            return element == typeof(string)
                ? BindStrings(value, path, problems, out result)
                : BindEntries(type, element, value, path, problems, out result);
        }

        if (OptionsSchema.IsRecord(type))
        {
            if (value is IDictionary<string, object?> table)
            {
                result = BindRecord(type, current!, table, path, problems);
                return true;
            }

            if (value is IDictionary legacy)
            {
                result = BindRecord(type, current!, ToGeneric(legacy), path, problems);
                return true;
            }

            return Fail(problems, path, value, "must be a table", out result);
        }

        throw new NotSupportedException($"option type {type} at {path}");
    }

    private static bool BindStrings(object value, string path, List<OptionProblem> problems, out object? result)
    {
        result = null;
        if (value is not IList list)
        {
            return Fail(problems, path, value, "must be an array of strings", out result);
        }

        var builder = ImmutableArray.CreateBuilder<string>(list.Count);
        foreach (object? item in list)
        {
            if (item is not string s)
            {
                return Fail(problems, path, value, "must be an array of strings", out result);
            }

            builder.Add(s);
        }

        result = builder.MoveToImmutable();
        return true;
    }

    private static bool BindNumbers(object value, string path, List<OptionProblem> problems, out object? result)
    {
        result = null;
        if (value is not IList list)
        {
            return Fail(problems, path, value, "must be an array of numbers", out result);
        }

        var builder = ImmutableArray.CreateBuilder<double>(list.Count);
        foreach (object? item in list)
        {
            switch (item)
            {
                case double d:
                    builder.Add(d);
                    break;
                case long l:
                    builder.Add(l);
                    break;
                default:
                    return Fail(problems, path, value, "must be an array of numbers", out result);
            }
        }

        result = builder.MoveToImmutable();
        return true;
    }

    /// <summary>A vocabulary table: <c>Name = value</c> for single-knob entries, <c>Name = { knob = value, … }</c> otherwise.</summary>
    private static bool BindEntries(Type arrayType, Type element, object value, string path, List<OptionProblem> problems, out object? result)
    {
        result = null;
        if (value is not IDictionary<string, object?> table)
        {
            return Fail(problems, path, value, "must be a table of name = value", out result);
        }

        var knobs = OptionsSchema.EntryKnobs(element);
        var constructor = element.GetConstructors().Single(c => c.GetParameters().Length == knobs.Count + 1);
        var items = Array.CreateInstance(element, table.Count);
        int index = 0;
        bool ok = true;
        foreach (var (name, entryValue) in table)
        {
            string entryPath = OptionsSchema.Join(path, OptionsSchema.TomlKey(name));
            object?[] arguments = new object?[knobs.Count + 1];
            arguments[0] = name;
            if (knobs.Count == 1 && entryValue is not IDictionary<string, object?>)
            {
                ok &= Convert(knobs[0].PropertyType, null, entryValue, entryPath, problems, out arguments[1]);
            }
            else if (entryValue is IDictionary<string, object?> fields)
            {
                foreach (var (field, _) in fields)
                {
                    if (!knobs.Any(k => OptionsSchema.SnakeCase(k.Name) == field))
                    {
                        problems.Add(new(OptionsSchema.Join(entryPath, field), Describe(fields[field]), "unknown key" + Suggestion(field, null, knobs)));
                        ok = false;
                    }
                }

                for (int k = 0; k < knobs.Count; k++)
                {
                    string field = OptionsSchema.SnakeCase(knobs[k].Name);
                    if (!fields.TryGetValue(field, out object? fieldValue))
                    {
                        problems.Add(new(OptionsSchema.Join(entryPath, field), "(missing)", "is required for every entry of " + path));
                        ok = false;
                        continue;
                    }

                    ok &= Convert(knobs[k].PropertyType, null, fieldValue, OptionsSchema.Join(entryPath, field), problems, out arguments[k + 1]);
                }
            }
            else
            {
                problems.Add(new(entryPath, Describe(entryValue), "must be a table { " + string.Join(", ", knobs.Select(k => OptionsSchema.SnakeCase(k.Name) + " = …")) + " }"));
                ok = false;
            }

            if (ok)
            {
                items.SetValue(constructor.Invoke(arguments), index);
            }

            index++;
        }

        if (!ok)
        {
            return false;
        }

        var create = typeof(ImmutableArray).GetMethods()
            .Single(m => m.Name == nameof(ImmutableArray.Create) && m.GetParameters() is [{ ParameterType.IsArray: true }])
            .MakeGenericMethod(element);
        result = create.Invoke(null, [items]);
        return arrayType.IsInstanceOfType(result);
    }

    private static long? AsInteger(object value) => value switch
    {
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        _ => null,
    };

    private static bool Ok(object value, out object? result)
    {
        result = value;
        return true;
    }

    private static bool Fail(List<OptionProblem> problems, string path, object value, string message, out object? result)
    {
        problems.Add(new(path, Describe(value), message));
        result = null;
        return false;
    }

    public static string Describe(object? value) => value switch
    {
        null => "(empty)",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary => "{ … }",
        IList => "[ … ]",
        _ => value.ToString() ?? "",
    };

    private static object Clone(object record)
    {
        var clone = record.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{record.GetType()} is not a record");
        return clone.Invoke(record, null)!;
    }

    private static Dictionary<string, object?> ToGeneric(IDictionary table)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            result[(string)entry.Key] = entry.Value;
        }

        return result;
    }

    /// <summary>"; did you mean 'x'?" from the sibling keys, or from every key path when the key is misplaced.</summary>
    private static string Suggestion(string key, string? keyPath, IReadOnlyList<PropertyInfo> siblings)
    {
        string? best = NameSuggestion.Closest(key, siblings.Select(p => OptionsSchema.SnakeCase(p.Name)));
        if (best is not null)
        {
            return $"; did you mean '{best}'?";
        }

        if (keyPath is not null)
        {
            string? elsewhere = s_allPaths.Value.FirstOrDefault(p => p.EndsWith("." + key, StringComparison.Ordinal) || p == key)
                ?? NameSuggestion.Closest(keyPath, s_allPaths.Value);
            if (elsewhere is not null)
            {
                return $"; did you mean '{elsewhere}'?";
            }
        }

        return "; valid keys here: " + string.Join(", ", siblings.Select(p => OptionsSchema.SnakeCase(p.Name)));
    }

    private static IEnumerable<string> AllPaths(Type type, string prefix)
    {
        foreach (var property in OptionsSchema.Knobs(type))
        {
            string path = OptionsSchema.Join(prefix, OptionsSchema.SnakeCase(property.Name));
            yield return path;
            if (OptionsSchema.IsRecord(property.PropertyType))
            {
                foreach (string nested in AllPaths(property.PropertyType, path))
                {
                    yield return nested;
                }
            }
        }
    }
}

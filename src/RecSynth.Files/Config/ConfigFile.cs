using RecSynth.Configuration;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace RecSynth.Files.Config;

/// <summary>Reads a RecSynth TOML config: every problem at once, each with its file, line and key path.</summary>
public static class ConfigFile
{
    /// <summary>File name <c>recsynth init</c> writes by default.</summary>
    public const string DefaultName = "recsynth.toml";

    /// <summary>
    /// Reads and validates <paramref name="path"/> on top of the defaults. <paramref name="adjust"/>, when given, is
    /// applied after reading and before validating (command-line overrides), so a value it replaces is not judged.
    /// </summary>
    /// <exception cref="OptionsException">The file is missing, malformed or holds invalid values.</exception>
    public static RecSynthOptions Load(string path, Func<RecSynthOptions, RecSynthOptions>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new OptionsException([new OptionProblem("", "", "is a folder, not a config file", path)]);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OptionsException([new OptionProblem("", "", $"config file not found (create one with `recsynth init -o {path}`)", path)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException([new OptionProblem("", "", "cannot read the config file: " + e.Message, path)]);
        }

        return Parse(text, path, adjust);
    }

    /// <summary>Parses and validates config text; <paramref name="sourceName"/> names it in messages.</summary>
    /// <exception cref="OptionsException">The text is malformed or holds invalid values.</exception>
    public static RecSynthOptions Parse(string text, string sourceName = DefaultName, Func<RecSynthOptions, RecSynthOptions>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var store = new TomlMetadataStore();
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { MetadataStore = store, SourceName = sourceName })
                ?? new TomlTable();
        }
        catch (TomlException e)
        {
            List<OptionProblem> problems = e.Diagnostics is { Count: > 0 } diagnostics
                ? [.. diagnostics.Select(d => new OptionProblem("", "", "not valid TOML: " + d.Message, $"{sourceName}:{d.Span.Start.Line + 1}:{d.Span.Start.Column + 1}"))]
                : [new OptionProblem("", "", "not valid TOML: " + StripLocation(e.Message), $"{sourceName}:{e.Line}:{e.Column}")];
            throw new OptionsException(problems);
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var tree = Normalise(table, "", store, lines);
        return Bind(tree, sourceName, lines, new RecSynthOptions(), adjust);
    }

    internal static RecSynthOptions Bind(
        Dictionary<string, object?> tree, string sourceName, IReadOnlyDictionary<string, int>? lines, RecSynthOptions defaults, Func<RecSynthOptions, RecSynthOptions>? adjust = null)
    {
        var problems = new List<OptionProblem>();
        var options = OptionsBinder.Bind(tree, defaults, problems);
        options = adjust?.Invoke(options) ?? options;

        // Values that could not be bound kept their defaults; validate the rest so that every problem shows at once.
        var reported = problems.Select(p => p.KeyPath).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(options.Validate().Where(p => !reported.Contains(p.KeyPath)));

        if (problems.Count > 0)
        {
            throw new OptionsException([.. problems.Select(p => p with { Location = p.Location ?? Locate(p.KeyPath, sourceName, lines) })]);
        }

        return options;
    }

    private static string Locate(string keyPath, string sourceName, IReadOnlyDictionary<string, int>? lines)
    {
        if (lines is null)
        {
            return sourceName;
        }

        // The key itself, else the nearest enclosing table that was written in the file.
        for (string path = keyPath; path.Length > 0; path = path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] : "")
        {
            if (lines.TryGetValue(path, out int line))
            {
                return $"{sourceName}:{line}";
            }
        }

        return sourceName;
    }

    /// <summary>Plain dictionaries and lists, recording the line of every key path on the way.</summary>
    private static Dictionary<string, object?> Normalise(TomlTable table, string path, TomlMetadataStore store, Dictionary<string, int> lines)
    {
        store.TryGetProperties(table, out var metadata);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in table)
        {
            string keyPath = OptionsSchema.Join(path, OptionsSchema.TomlKey(key));
            if (metadata is not null && metadata.TryGetProperty(key, out var property) && property?.Span is { } span)
            {
                lines.TryAdd(keyPath, span.Start.Line + 1); // Tomlyn counts lines from 0
            }

            result[key] = Normalise(value, keyPath, store, lines);
        }

        return result;
    }

    private static object? Normalise(object? value, string path, TomlMetadataStore store, Dictionary<string, int> lines) => value switch
    {
        TomlTable t => Normalise(t, path, store, lines),
        TomlTableArray a => a.Select(t => (object?)Normalise(t, path, store, lines)).ToList(),
        TomlArray a => a.Select(v => Normalise(v, path, store, lines)).ToList(),
        _ => value,
    };

    private static string StripLocation(string message)
    {
        int marker = message.IndexOf(" : ", StringComparison.Ordinal);
        return marker >= 0 ? message[(marker + 3)..] : message;
    }
}

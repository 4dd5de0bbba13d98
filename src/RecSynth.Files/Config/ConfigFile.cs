using RecSynth.Configuration;
using RecSynth.Internals;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace RecSynth.Files.Config;

/// <summary>Reads a RecSynth TOML config: every problem at once, each with its file, line and key path.</summary>
public static class ConfigFile
{
    /// <summary>File name <c>recsynth init</c> writes by default.</summary>
    public const string DefaultName = "recsynth.toml";

    /// <summary>Reads and validates <paramref name="path"/>, on top of <paramref name="defaults"/> (the built-in defaults when null).</summary>
    /// <exception cref="OptionsException">The file is missing, malformed or holds invalid values.</exception>
    public static RecSynthOptions Load(string path, RecSynthOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OptionsException($"config file not found: {path} (create one with `recsynth init -o {path}`)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"cannot read config file {path}: {e.Message}", e);
        }

        return Parse(text, path, defaults);
    }

    /// <summary>Parses and validates config text; <paramref name="sourceName"/> names it in messages.</summary>
    /// <exception cref="OptionsException">The text is malformed or holds invalid values.</exception>
    public static RecSynthOptions Parse(string text, string sourceName = DefaultName, RecSynthOptions? defaults = null)
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
            var problems = e.Diagnostics is { Count: > 0 } diagnostics
                ? diagnostics.Select(d => new OptionProblem("(syntax)", "", d.Message, $"{sourceName}:{d.Span.Start.Line + 1}:{d.Span.Start.Column + 1}")).ToList()
                : [new OptionProblem("(syntax)", "", StripLocation(e.Message), $"{sourceName}:{e.Line}:{e.Column}")];
            throw new OptionsException($"{sourceName} is not valid TOML:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => $"  {p.Location}: {p.Message}")), e);
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var tree = Normalise(table, "", store, lines);
        return Bind(tree, sourceName, lines, defaults ?? new RecSynthOptions());
    }

    internal static RecSynthOptions Bind(Dictionary<string, object?> tree, string sourceName, IReadOnlyDictionary<string, int>? lines, RecSynthOptions defaults)
    {
        var problems = new List<OptionProblem>();
        var options = OptionsBinder.Bind(tree, defaults, problems);

        // Values that could not be bound kept their defaults; validate the rest so that every problem shows at once.
        var reported = problems.Select(p => p.KeyPath).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(options.Validate().Where(p => !reported.Contains(p.KeyPath)));

        if (problems.Count > 0)
        {
            throw new OptionsException([.. problems.Select(p => p with { Location = Locate(p.KeyPath, sourceName, lines) })]);
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

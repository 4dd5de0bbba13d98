using System.Globalization;
using System.Security.Cryptography;
using nietras.SeparatedValues;
using RecSynth.Files;

namespace RecSynth.Reports.Internals;

/// <summary>
/// Reads <c>metrics.csv</c> strictly: the fixed columns in order, then one <c>Share&lt;Arm&gt;</c> column per arm;
/// anything else is refused with the file, line and column.
/// </summary>
internal static class MetricsCsv
{
    /// <summary>The schema simulate writes: one definition for the writer and the reader.</summary>
    public static readonly IReadOnlyList<string> FixedColumns = DatasetReader.MetricsColumns;

    public const string SharePrefix = "Share";


    /// <summary>The runs in a folder: <c>metrics.csv</c>, then <c>metrics-&lt;policy&gt;.csv</c> by name.</summary>
    /// <exception cref="DatasetUsageException">A metrics file does not follow the schema, or the folder's manifest is not one.</exception>
    public static List<MetricsRun> ReadAll(string directory, CancellationToken cancellationToken)
    {
        var runs = new List<MetricsRun>();
        string single = Path.Combine(directory, "metrics.csv");
        if (File.Exists(single))
        {
            runs.Add(Read(single, PolicyOf(directory, single), cancellationToken));
        }

        foreach (string file in Directory.EnumerateFiles(directory, "metrics-*.csv").Order(StringComparer.Ordinal))
        {
            string policy = Path.GetFileNameWithoutExtension(file)["metrics-".Length..];
            runs.Add(Read(file, policy, cancellationToken));
        }

        return runs;
    }

    /// <summary>
    /// The policy the folder's manifest records for the closed-loop run that wrote <paramref name="path"/>, when the
    /// manifest lists this very file (a metrics.csv copied in from elsewhere is not that run's).
    /// </summary>
    private static string? PolicyOf(string directory, string path)
    {
        string manifestPath = Path.Combine(directory, DatasetManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        DatasetManifest manifest;
        try
        {
            manifest = DatasetManifest.Read(manifestPath);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetUsageException(e.Message, e);
        }

        using var file = File.OpenRead(path);
        return manifest.Files.TryGetValue(Path.GetFileName(path), out var entry) && entry.Sha256 == Convert.ToHexStringLower(SHA256.HashData(file))
            && manifest.Stages.TryGetValue("behaviour", out var stage)
            ? stage.Simulation?.Policy
            : null;
    }

    /// <exception cref="DatasetUsageException">The file does not follow the schema.</exception>
    public static MetricsRun Read(string path, string? policy, CancellationToken cancellationToken)
    {
        string file = Path.GetFileName(path);
        // The header is read as a row: Sep's own header refuses duplicate names with a message that names no line.
        using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true }).FromFile(path);
        string[] header = reader.MoveNext() ? [.. Enumerable.Range(0, reader.Current.ColCount).Select(c => reader.Current[c].ToString())] : [];
        for (int c = 0; c < FixedColumns.Count; c++)
        {
            if (c >= header.Length || header[c] != FixedColumns[c])
            {
                string found = c < header.Length ? $"\"{header[c]}\"" : "nothing";
                throw Problem(file, 1, c, $"the header must start with {string.Join(',', FixedColumns)}; column {c + 1} should be {FixedColumns[c]}, found {found}");
            }
        }

        int shareStart = FixedColumns.Count;
        string[] arms = [.. header.Skip(shareStart)];
        for (int a = 0; a < arms.Length; a++)
        {
            if (!arms[a].StartsWith(SharePrefix, StringComparison.Ordinal) || arms[a].Length == SharePrefix.Length)
            {
                throw Problem(file, 1, shareStart + a, $"after NearOptimalShare only Share<Arm> columns may follow (ShareCf, ShareImage, ShareBlend25…), found \"{arms[a]}\"");
            }
        }

        for (int a = 1; a < arms.Length; a++)
        {
            if (Array.IndexOf(arms, arms[a], 0, a) is var first and >= 0)
            {
                throw Problem(file, 1, shareStart + a, $"{arms[a]} is also column {shareStart + first + 1}: one Share<Arm> column per arm");
            }
        }

        if (arms.Length == 0)
        {
            throw Problem(file, 1, shareStart, "no Share<Arm> column after NearOptimalShare (ShareCf, ShareImage, ShareBlend25…)");
        }

        var day = new List<int>();
        var longs = new[] { new List<long>(), new List<long>() };
        var doubles = Enumerable.Range(4, FixedColumns.Count - 4).Select(_ => new List<double>()).ToArray();
        var shares = arms.Select(_ => new List<double>()).ToArray();
        foreach (var row in reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int line = row.LineNumberFrom;
            if (row.ColCount != header.Length)
            {
                throw Problem(file, line, Math.Min(row.ColCount, header.Length), $"{row.ColCount} fields where the header has {header.Length}");
            }

            int d = (int)Whole(file, line, 0, row[0].Span, 1, int.MaxValue);
            if (day.Count > 0 && d <= day[^1])
            {
                throw Problem(file, line, 0, $"Day {d} follows day {day[^1]}: one row per day, in order");
            }

            day.Add(d);
            if (!DateOnly.TryParseExact(row[1].Span, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw Problem(file, line, 1, $"\"{row[1]}\" is not a date (yyyy-MM-dd)");
            }

            longs[0].Add(Whole(file, line, 2, row[2].Span, 0, long.MaxValue));
            longs[1].Add(Whole(file, line, 3, row[3].Span, 0, long.MaxValue));
            for (int c = 4; c < FixedColumns.Count; c++)
            {
                bool isShare = FixedColumns[c].EndsWith("Share", StringComparison.Ordinal);
                doubles[c - 4].Add(Number(file, line, c, row[c].Span, isShare ? 0 : double.MinValue, isShare ? 1 : double.MaxValue));
            }

            for (int a = 0; a < arms.Length; a++)
            {
                shares[a].Add(Number(file, line, shareStart + a, row[shareStart + a].Span, 0, 1));
            }
        }

        if (day.Count == 0)
        {
            throw new DatasetUsageException($"{file}: no rows after the header: one row per simulated day expected");
        }

        return new MetricsRun(
            policy,
            file,
            [.. day],
            [.. longs[0]],
            [.. longs[1]],
            [.. doubles[0]],
            [.. doubles[1]],
            [.. doubles[2]],
            [.. doubles[3]],
            [.. doubles[4]],
            [.. doubles[5]],
            [.. arms.Select(a => a[SharePrefix.Length..])],
            [.. shares.Select(s => s.ToArray())]);

        string Column(int c) => c < header.Length ? $"{c + 1} ({header[c]})" : $"{c + 1}";

        long Whole(string f, int line, int c, ReadOnlySpan<char> text, long min, long max) =>
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
                ? value
                : throw Problem(f, line, c, $"\"{text}\" is not a whole number ≥ {min}");

        double Number(string f, int line, int c, ReadOnlySpan<char> text, double min, double max) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= min - 1e-9 && value <= max + 1e-9
                ? value
                : throw Problem(f, line, c, min == double.MinValue ? $"\"{text}\" is not a finite number" : $"\"{text}\" is not a number in [{min}, {max}]");

        DatasetUsageException Problem(string f, int line, int c, string message) =>
            new($"{f}: line {line}, column {Column(c)}: {message}");
    }
}

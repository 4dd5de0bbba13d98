using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using RecSynth.Configuration;
using RecSynth.Files.Internals;

namespace RecSynth.Files.Tests;

/// <summary>Small, fast options for tests that generate datasets.</summary>
internal static class TestOptions
{
    /// <summary>The default start of the simulated period.</summary>
    public static readonly DateTimeOffset Start = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Small sizes over the default (year-long) period: for tests of the catalogue or users stage alone.</summary>
    public static RecSynthOptions Small(int products = 2_000, int users = 1_000, long seed = 42) =>
        new RecSynthOptions { Seed = seed } with
        {
            Catalog = new CatalogOptions { Count = products },
            Users = new UserOptions { Count = users },
        };

    /// <summary>
    /// Small sizes over a short period from the default start, for tests that write every stage: a year of behaviour
    /// takes seconds, a few weeks a fraction of that. (Listing and sign-up times are relative to the period.)
    /// </summary>
    public static RecSynthOptions Dataset(int products = 2_000, int users = 1_000, long seed = 42, int weeks = 2) =>
        Small(products, users, seed) with { Time = Weeks(weeks) };

    /// <summary>A period of whole weeks from the default start.</summary>
    public static TimeWindowOptions Weeks(int weeks) => new() { Start = Start, End = Start.AddDays(7 * weeks) };

    public static GenerateOptions Output(string directory, int threads = 2, DatasetStage stage = DatasetStage.All, bool force = false) =>
        new() { Directory = directory, Threads = threads, Stage = stage, Force = force };
}

/// <summary>
/// Structural equality of options records, written independently of the code under test: every public property,
/// recursively, with ImmutableArray compared element by element (its own Equals compares array references).
/// </summary>
internal static class OptionsEquality
{
    /// <summary>The first path where the two differ, or null when they are equal.</summary>
    public static string? FirstDifference(object? expected, object? actual, string path = "")
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: {Show(expected)} != {Show(actual)}";
        }

        var type = expected.GetType();
        if (type != actual.GetType())
        {
            return $"{path}: type {type} != {actual.GetType()}";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var a = ((IEnumerable)expected).Cast<object?>().ToList();
            var b = ((IEnumerable)actual).Cast<object?>().ToList();
            if (a.Count != b.Count)
            {
                return $"{path}: {a.Count} elements != {b.Count} elements";
            }

            for (int i = 0; i < a.Count; i++)
            {
                if (FirstDifference(a[i], b[i], $"{path}[{i}]") is { } difference)
                {
                    return difference;
                }
            }

            return null;
        }

        if (type.IsClass && type != typeof(string) && type.Namespace == typeof(RecSynthOptions).Namespace)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            {
                if (FirstDifference(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name) is { } difference)
                {
                    return difference;
                }
            }

            return null;
        }

        if (expected is DateTimeOffset t && actual is DateTimeOffset u)
        {
            // DateTimeOffset.Equals compares instants only; the offset matters too (the config must stay UTC).
            return t == u && t.Offset == u.Offset ? null : $"{path}: {t:O} != {u:O}";
        }

        if (expected is double x && actual is double y)
        {
            return x.Equals(y) ? null : $"{path}: {x:R} != {y:R}";
        }

        return expected.Equals(actual) ? null : $"{path}: {Show(expected)} != {Show(actual)}";
    }

    public static void AssertEqual(RecSynthOptions expected, RecSynthOptions actual)
    {
        string? difference = FirstDifference(expected, actual, "options");
        Assert.True(difference is null, "options differ at " + difference);
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>The knob paths of the options tree, derived by reflection independently of the code under test.</summary>
internal static class KnobPaths
{
    public enum Kind
    {
        /// <summary>A key = value line (numbers, strings, booleans, times, inline tables such as count ranges).</summary>
        Scalar,

        /// <summary>A [section] of further knobs.</summary>
        Section,

        /// <summary>A [vocabulary] table of Name = value entries.</summary>
        Vocabulary,
    }

    public static IReadOnlyList<(string Path, Kind Kind, KnobAttribute? Knob)> All() => [.. Walk(typeof(RecSynthOptions), "")];

    public static string SnakeCase(string pascal)
    {
        var text = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(pascal[i]));
        }

        return text.ToString();
    }

    private static IEnumerable<(string, Kind, KnobAttribute?)> Walk(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string path = (prefix.Length == 0 ? "" : prefix + ".") + SnakeCase(property.Name);
            var knob = property.GetCustomAttribute<KnobAttribute>();
            var t = property.PropertyType;
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ImmutableArray<>) && typeof(INamedEntry).IsAssignableFrom(t.GetGenericArguments()[0]))
            {
                yield return (path, Kind.Vocabulary, knob);
            }
            else if (knob is null && t.IsClass && t.Namespace == typeof(RecSynthOptions).Namespace)
            {
                yield return (path, Kind.Section, null);
                foreach (var nested in Walk(t, path))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return (path, Kind.Scalar, knob);
            }
        }
    }
}

/// <summary>Reading and checking dataset folders, independently of the code that wrote them.</summary>
internal static class DatasetFiles
{
    /// <summary>The files of the behaviour stage (docs/design.md §4.13, §5), in ordinal order.</summary>
    public static readonly string[] Behaviour = ["ground_truth.csv", "interactions.csv", "sessions.csv"];

    /// <summary>The files of the catalogue and users stages without the factor files, in ordinal order.</summary>
    public static readonly string[] CatalogAndUsers = ["embeddings.npy", "products.csv", "users.csv"];

    /// <summary>The data files of a whole dataset without the factor files, in ordinal order.</summary>
    public static readonly string[] All = [.. CatalogAndUsers.Concat(Behaviour).Order(StringComparer.Ordinal)];

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Every file under the folder (relative path → bytes), for before/after comparisons.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file)] = File.ReadAllBytes(file);
        }

        foreach (string directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, directory) + "/"] = [];
        }

        return files;
    }

    /// <summary>Copies a dataset folder (files and subfolders) into <paramref name="destination"/>, which it creates.</summary>
    public static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }

    public static void AssertSameSnapshot(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} changed");
        }
    }

    /// <summary>Reads manifest.json as plain JSON (not through DatasetManifest).</summary>
    public static JsonDocument Manifest(string folder) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json")));

    /// <summary>Checks that the folder holds exactly the manifest's files, each with the recorded size, row count and hash.</summary>
    public static void AssertMatchesManifest(string folder)
    {
        using var manifest = Manifest(folder);
        var files = manifest.RootElement.GetProperty("files");
        var listed = files.EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        var present = Directory.EnumerateFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).Where(n => n != "manifest.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(listed, present);
        foreach (var file in files.EnumerateObject())
        {
            string path = Path.Combine(folder, file.Name);
            Assert.Equal(new FileInfo(path).Length, file.Value.GetProperty("bytes").GetInt64());
            Assert.Equal(Sha256(path), file.Value.GetProperty("sha256").GetString());
            Assert.Equal(Rows(path), file.Value.GetProperty("rows").GetInt64());
        }
    }

    /// <summary>Data rows of a CSV (lines minus the header, counted by a CSV reader) or the first axis of an .npy.</summary>
    public static long Rows(string path)
    {
        if (path.EndsWith(".npy", StringComparison.Ordinal))
        {
            return Npy.Read(path).Shape[0];
        }

        using var reader = Csv.Open(path);
        long rows = 0;
        foreach (var row in reader)
        {
            rows++;
        }

        return rows;
    }
}

/// <summary>A minimal .npy reader for tests: header parsed by hand, data as bytes.</summary>
internal sealed record Npy(string Descr, bool FortranOrder, long[] Shape, byte[] Data)
{
    public static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static Npy Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        Assert.True(file.AsSpan(0, 6).SequenceEqual(Magic), $"{path}: bad magic");
        Assert.Equal(1, file[6]);
        Assert.Equal(0, file[7]);
        int headerLength = file[8] | (file[9] << 8);
        string header = Encoding.ASCII.GetString(file, 10, headerLength);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        Assert.Equal(0, (10 + headerLength) % 64);
        var descr = System.Text.RegularExpressions.Regex.Match(header, @"'descr':\s*'([^']*)'");
        var order = System.Text.RegularExpressions.Regex.Match(header, @"'fortran_order':\s*(True|False)");
        var shape = System.Text.RegularExpressions.Regex.Match(header, @"'shape':\s*\(([^)]*)\)");
        Assert.True(descr.Success && order.Success && shape.Success, $"{path}: unexpected header {header}");
        long[] dims = [.. shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        byte[] data = file[(10 + headerLength)..];
        int itemSize = descr.Groups[1].Value switch { "<f4" => 4, "<f8" => 8, var other => throw new FormatException($"{path}: dtype {other}") };
        Assert.True(data.Length == dims.Aggregate(1L, (a, b) => a * b) * itemSize, $"{path}: {data.Length} data bytes for shape ({string.Join(", ", dims)})");
        return new Npy(descr.Groups[1].Value, order.Groups[1].Value == "True", dims, data);
    }

    public float[] Floats()
    {
        Assert.Equal("<f4", Descr);
        var values = new float[Data.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(4 * i));
        }

        return values;
    }

    public double[] Doubles()
    {
        Assert.Equal("<f8", Descr);
        var values = new double[Data.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(8 * i));
        }

        return values;
    }
}

/// <summary>Reports progress synchronously (Progress&lt;T&gt; posts to the thread pool, too late to cancel in time).</summary>
internal sealed class CallbackProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value) => report(value);
}

/// <summary>Sep, set up for RFC 4180 files: comma-separated, quotes removed and doubled quotes unescaped.</summary>
internal static class Csv
{
    public static SepReader Open(string path) =>
        Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true }).FromFile(path);
}

/// <summary>Runs DuckDB queries for the tests that read our Parquet files as a user would.</summary>
internal static class DuckDb
{
    /// <summary>Every row of <paramref name="sql"/>, each read with <paramref name="read"/>.</summary>
    public static List<T> Query<T>(DuckDB.NET.Data.DuckDBConnection db, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}

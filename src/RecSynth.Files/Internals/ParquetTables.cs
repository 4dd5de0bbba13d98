using System.Globalization;
using System.Security.Cryptography;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>
/// Writes a table's Parquet file from its CSV file, so that both hold the same rows by construction: one typed
/// schema per table (strings, 32- and 64-bit integers, doubles, UTC timestamps in milliseconds; an empty CSV field
/// is a null), row groups of <see cref="RowGroupRows"/> rows, Snappy compression. Streams: memory holds one row group.
/// </summary>
internal static class ParquetTables
{
    public const string Extension = ".parquet";

    private const int RowGroupRows = 131_072;

    private enum Kind
    {
        Text,
        Int32,
        Int64,
        Real,
        Time,
    }

    /// <summary>The tables that have a Parquet form: the CSV files of every stage.</summary>
    public static bool HasParquetForm(string file) => file.EndsWith(".csv", StringComparison.Ordinal);

    public static string ParquetName(string csvFile) => Path.ChangeExtension(csvFile, Extension);

    /// <summary>The column types of a table's documented columns (README, "Files and columns").</summary>
    private static Kind KindOf(string table, string column) => (table, column) switch
    {
        (_, "price" or "popularity" or "cf_preference" or "preference_consistency" or "activity" or "cf_preference_after" or "Propensity" or "OptimalBlend") => Kind.Real,
        (_, "listed_at" or "signed_up_at" or "drift_at" or "Timestamp" or "StartedAt") => Kind.Time,
        (_, "SessionId") => Kind.Int64,
        (_, "Position" or "SlateSize" or "Views" or "Likes" or "Purchases" or "Reward" or "Sessions") => Kind.Int32,
        ("ground_truth.csv", _) when column.StartsWith("Reward", StringComparison.Ordinal) || column.StartsWith("StdErr", StringComparison.Ordinal) => Kind.Real,
        _ => Kind.Text,
    };

    /// <summary>Writes <paramref name="parquetPath"/> from <paramref name="csvPath"/> (of <paramref name="csvRows"/> rows) and returns its manifest entry.</summary>
    public static ManifestFile Convert(string csvPath, long csvRows, string parquetPath, string stage, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        string table = Path.GetFileName(csvPath);
        string name = Path.GetFileName(parquetPath);
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(csvPath);
        var header = reader.Header.ColNames;
        var kinds = header.Select(c => KindOf(table, c)).ToArray();
        var fields = header.Select((c, i) => kinds[i] switch
        {
            Kind.Text => new DataField<string>(c, true),
            Kind.Int32 => new DataField<int>(c, false),
            Kind.Int64 => new DataField<long>(c, false),
            Kind.Real => new DataField<double?>(c, true),
            _ => (DataField)new DateTimeDataField(c, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
        }).ToArray();
        long rows;
        using (var stream = new FileStream(parquetPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken)
                .GetAwaiter().GetResult();
            try
            {
                rows = WriteRows(reader, writer, fields, kinds, csvPath, csvRows, name, progress, cancellationToken);
            }
            finally
            {
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        progress?.Report(new GenerationProgress(name, rows, rows));
        using var written = File.OpenRead(parquetPath);
        return new ManifestFile { Stage = stage, Rows = rows, Bytes = written.Length, Sha256 = System.Convert.ToHexStringLower(SHA256.HashData(written)) };
    }

    /// <summary>Fills the columns row group by row group and writes them; returns the row count.</summary>
    private static long WriteRows(
        SepReader reader, ParquetWriter writer, DataField[] fields, Kind[] kinds, string csvPath, long csvRows, string name, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var columns = kinds.Select(k => new Column(k)).ToArray();
        long rows = 0;
        int count = 0;
        foreach (var row in reader)
        {
            for (int c = 0; c < columns.Length; c++)
            {
                try
                {
                    columns[c].Set(count, row[c].Span);
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{csvPath} line {row.LineNumberFrom}, column {fields[c].Name}: {e.Message}"), e);
                }
            }

            if (++count == RowGroupRows)
            {
                WriteGroup(writer, fields, columns, count, cancellationToken);
                rows += count;
                count = 0;
                progress?.Report(new GenerationProgress(name, rows, csvRows));
            }
        }

        if (count > 0 || rows == 0)
        {
            WriteGroup(writer, fields, columns, count, cancellationToken);
            rows += count;
        }

        return rows;
    }

    private static void WriteGroup(ParquetWriter writer, DataField[] fields, Column[] columns, int count, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c].WriteAsync(group, fields[c], count, cancellationToken).GetAwaiter().GetResult();
        }
    }

    /// <summary>One column's values for the row group being filled.</summary>
    private sealed class Column(Kind kind)
    {
        private readonly string?[]? _text = kind == Kind.Text ? new string?[RowGroupRows] : null;
        private readonly int[]? _int32 = kind == Kind.Int32 ? new int[RowGroupRows] : null;
        private readonly long[]? _int64 = kind == Kind.Int64 ? new long[RowGroupRows] : null;
        private readonly double?[]? _real = kind == Kind.Real ? new double?[RowGroupRows] : null;
        private readonly DateTime?[]? _time = kind == Kind.Time ? new DateTime?[RowGroupRows] : null;

        public void Set(int row, ReadOnlySpan<char> text)
        {
            var culture = CultureInfo.InvariantCulture;
            switch (kind)
            {
                case Kind.Text:
                    _text![row] = text.IsEmpty ? null : text.ToString();
                    break;
                case Kind.Int32:
                    _int32![row] = int.Parse(text, NumberStyles.AllowLeadingSign, culture);
                    break;
                case Kind.Int64:
                    _int64![row] = long.Parse(text, NumberStyles.AllowLeadingSign, culture);
                    break;
                case Kind.Real:
                    _real![row] = text.IsEmpty ? null : double.Parse(text, NumberStyles.Float, culture);
                    break;
                default:
                    _time![row] = text.IsEmpty ? null : DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", culture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                    break;
            }
        }

        public Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, CancellationToken cancellationToken) => kind switch
        {
            Kind.Text => group.WriteAsync(field, new ArraySegment<string?>(_text!, 0, count)!, null),
            Kind.Int32 => group.WriteAsync(field, new ReadOnlyMemory<int>(_int32, 0, count), null, null, cancellationToken),
            Kind.Int64 => group.WriteAsync(field, new ReadOnlyMemory<long>(_int64, 0, count), null, null, cancellationToken),
            Kind.Real => group.WriteAsync(field, new ReadOnlyMemory<double?>(_real, 0, count), null, null, cancellationToken),
            _ => group.WriteAsync(field, new ReadOnlyMemory<DateTime?>(_time, 0, count), null, null, cancellationToken),
        };
    }
}

using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>
/// The tables' Parquet form: one typed schema per table (strings, 32- and 64-bit integers, doubles, UTC timestamps in
/// milliseconds; an empty CSV field is a null), row groups of <see cref="RowGroupRows"/> rows, Snappy compression
/// (<see cref="Options"/>).
/// The stages write it from their records (<see cref="ParquetFile"/>); <c>Convert</c> writes it from a CSV table
/// (merge, metrics.csv), so that both hold the same rows.
/// </summary>
internal static class ParquetTables
{
    public const string Extension = ".parquet";

    public const int RowGroupRows = 131_072;

    /// <summary>The tables that have a Parquet form: the CSV files of every stage.</summary>
    public static bool HasParquetForm(string file) => file.EndsWith(".csv", StringComparison.Ordinal);

    public static string ParquetName(string csvFile) => Path.ChangeExtension(csvFile, Extension);

    /// <summary>The column types of a table's documented columns (README, "Files and columns").</summary>
    public static ParquetKind KindOf(string table, string column) => (table, column) switch
    {
        (_, "price" or "popularity" or "cf_preference" or "preference_consistency" or "activity" or "cf_preference_after" or "Propensity" or "OptimalBlend") => ParquetKind.Real,
        (_, "listed_at" or "signed_up_at" or "drift_at" or "Timestamp" or "StartedAt") => ParquetKind.Time,
        (_, "SessionId") => ParquetKind.Int64,
        (_, "Position" or "SlateSize" or "Views" or "Likes" or "Purchases" or "Reward" or "Sessions") => ParquetKind.Int32,
        ("ground_truth.csv", _) when column.StartsWith("Reward", StringComparison.Ordinal) || column.StartsWith("StdErr", StringComparison.Ordinal) => ParquetKind.Real,
        _ => ParquetKind.Text,
    };

    /// <summary>A column's schema field: integers are required, the other types optional (an empty CSV field is a null).</summary>
    public static DataField Field(string column, ParquetKind kind) => kind switch
    {
        ParquetKind.Text => new DataField<string>(column, true),
        ParquetKind.Int32 => new DataField<int>(column, false),
        ParquetKind.Int64 => new DataField<long>(column, false),
        ParquetKind.Real => new DataField<double?>(column, true),
        _ => new DateTimeDataField(column, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
    };

    /// <summary>
    /// The writer's options: Snappy, every column plain-encoded (Parquet.Net's default; dictionary-encoding the columns
    /// that repeat a few names makes them smaller, but no faster to write, and allocates large short-lived tables). Its
    /// pool of page buffers keeps at most 4 MiB of small blocks and no large buffer between pages, which would otherwise
    /// stay in memory beside the simulation (up to 80 MiB).
    /// </summary>
    public static ParquetOptions Options() => new()
    {
        CompressionMethod = CompressionMethod.Snappy,
        MaximumSmallPoolFreeBytes = 4 << 20,
        MaximumLargePoolFreeBytes = 0,
    };

    /// <summary>Writes <paramref name="parquetPath"/> from <paramref name="csvPath"/> (of <paramref name="csvRows"/> rows) and returns its manifest entry.</summary>
    public static ManifestFile Convert(string csvPath, long csvRows, string parquetPath, string stage, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(csvPath);
        return Convert(reader, csvPath, csvRows, parquetPath, stage, progress, cancellationToken);
    }

    /// <summary>Writes <paramref name="parquetPath"/> from a CSV table held in memory (<paramref name="csvText"/>, UTF-8, as <paramref name="table"/> would hold it).</summary>
    public static ManifestFile Convert(byte[] csvText, long csvRows, string table, string parquetPath, string stage, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(Encoding.UTF8.GetString(csvText));
        return Convert(reader, table, csvRows, parquetPath, stage, progress, cancellationToken);
    }

    private static ManifestFile Convert(SepReader reader, string csvPath, long csvRows, string parquetPath, string stage, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var header = reader.Header.ColNames;
        using var file = new ParquetFile(parquetPath, Path.GetFileName(csvPath), header, progress, csvRows, cancellationToken);
        foreach (var csv in reader)
        {
            var row = file.StartRow();
            for (int c = 0; c < header.Count; c++)
            {
                try
                {
                    row.Parse(csv[c].Span);
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{csvPath} line {csv.LineNumberFrom}, column {header[c]}: {e.Message}"), e);
                }
            }

            file.EndRow(row);
        }

        return file.Complete(stage);
    }
}

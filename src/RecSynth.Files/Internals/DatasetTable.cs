using System.Globalization;

namespace RecSynth.Files.Internals;

/// <summary>
/// A dataset table opened for reading, from its CSV file or, where a folder holds only the Parquet form, from that:
/// the columns a reader needs found by name, every field parsed strictly, and every problem reported as a
/// <see cref="DatasetUsageException"/> naming the file, the line (the row of a Parquet file), the column and the value.
/// Every verb reads its tables through this, so a malformed file gets the same message from each.
/// </summary>
internal abstract class DatasetTable : IDisposable
{
    protected DatasetTable(string path) => Path = path;

    public string Path { get; }

    /// <summary>The file name as messages show it.</summary>
    public virtual string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The 1-based line of the current row (of a Parquet file: its 1-based row).</summary>
    public int Line { get; protected set; }

    /// <summary>Where the current row is, as messages show it: "line" in a CSV file, "row" in a Parquet file.</summary>
    protected abstract string LineWord { get; }

    /// <summary>
    /// Opens <paramref name="csvFile"/> in <paramref name="directory"/>, or its Parquet form when only that exists,
    /// with the <paramref name="columns"/> a reader asks for (by index, in that order).
    /// </summary>
    /// <exception cref="DatasetUsageException">Neither file exists, the file is unreadable, or a column is missing.</exception>
    public static DatasetTable Open(string directory, string csvFile, IReadOnlyList<string> columns)
    {
        string csv = System.IO.Path.Combine(directory, csvFile);
        if (File.Exists(csv))
        {
            return CsvTable.Open(csv, columns);
        }

        string parquet = System.IO.Path.ChangeExtension(csv, ParquetTables.Extension);
        if (File.Exists(parquet))
        {
            return ParquetTable.Open(parquet, columns);
        }

        return PartsTable.Parts(directory, csvFile) is { } parts
            ? new PartsTable(parts, columns)
            : throw new DatasetUsageException($"{csv} does not exist (nor {System.IO.Path.GetFileName(parquet)}): not a complete RecSynth dataset (generate one with `recsynth generate`)");
    }

    /// <summary>Opens one file of a table, CSV or Parquet by its extension.</summary>
    internal static DatasetTable OpenFile(string path, IReadOnlyList<string> columns) =>
        System.IO.Path.GetExtension(path) == ParquetTables.Extension ? ParquetTable.Open(path, columns) : CsvTable.Open(path, columns);

    /// <summary>Whether the folder holds the table, as CSV or as Parquet.</summary>
    public static bool Exists(string directory, string csvFile)
    {
        string csv = System.IO.Path.Combine(directory, csvFile);
        return File.Exists(csv) || File.Exists(System.IO.Path.ChangeExtension(csv, ParquetTables.Extension))
            || (ShardParts.Tables.Contains(csvFile) && Directory.Exists(System.IO.Path.Combine(directory, ShardParts.ManifestFolder)));
    }

    /// <summary>Moves to the next row; false at the end of the table.</summary>
    public abstract bool MoveNext();

    /// <summary>The field of the i-th requested column, as text (empty for a missing value).</summary>
    public abstract ReadOnlySpan<char> Span(int column);

    public string Text(int column, string what)
    {
        var span = Span(column);
        if (span.IsEmpty)
        {
            throw Problem(what, span, "must not be empty");
        }

        return span.ToString();
    }

    public double Number(int column, string what)
    {
        var span = Span(column);
        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw Problem(what, span, "is not a number");
    }

    public double? OptionalNumber(int column, string what) => Span(column).IsEmpty ? null : Number(column, what);

    public long Integer(int column, string what)
    {
        var span = Span(column);
        return long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Problem(what, span, "is not a whole number");
    }

    public DateTimeOffset Time(int column, string what)
    {
        var span = Span(column);
        return DateTimeOffset.TryParseExact(span, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw Problem(what, span, "is not an RFC 3339 UTC time such as 2023-05-03T13:06:52Z");
    }

    public DateTimeOffset? OptionalTime(int column, string what) => Span(column).IsEmpty ? null : Time(column, what);

    /// <summary>An error naming the file, line and column.</summary>
    public DatasetUsageException Problem(string what, ReadOnlySpan<char> value, string why) =>
        new($"{Name} {LineWord} {Line.ToString(CultureInfo.InvariantCulture)}: {what} '{Shorten(value)}' {why}");

    /// <summary>An error about the file as a whole, or about the row that could not be read after the current one.</summary>
    protected DatasetUsageException Unreadable(string what, Exception cause) =>
        new($"{Name} {LineWord} {(Line + 1).ToString(CultureInfo.InvariantCulture)}: {what}: {cause.Message}", cause);

    private static string Shorten(ReadOnlySpan<char> value) => value.Length <= 60 ? value.ToString() : string.Concat(value[..57], "...");

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}

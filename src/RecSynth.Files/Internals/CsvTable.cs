using System.Globalization;
using nietras.SeparatedValues;

namespace RecSynth.Files.Internals;

/// <summary>
/// A dataset CSV opened for reading: the header checked for the columns a reader needs, every field parsed strictly,
/// and every problem reported as a <see cref="DatasetUsageException"/> naming the file, the line and the column.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly SepReader _reader;
    private readonly int[] _columns;

    private CsvTable(string path, SepReader reader, int[] columns)
    {
        Path = path;
        _reader = reader;
        _columns = columns;
    }

    public string Path { get; }

    /// <summary>The file name as messages show it.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The 1-based line of the current row.</summary>
    public int Line { get; private set; }

    public static CsvTable Open(string path, IReadOnlyList<string> columns)
    {
        string name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DatasetUsageException($"{path} does not exist: not a complete RecSynth dataset (generate one with `recsynth generate`)");
        }

        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with { Unescape = true, CultureInfo = CultureInfo.InvariantCulture }).FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new DatasetUsageException($"{name} line 1: unreadable header: {e.Message}", e);
        }

        var indices = new int[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            if (!reader.Header.TryIndexOf(columns[i], out indices[i]))
            {
                reader.Dispose();
                throw new DatasetUsageException($"{name} line 1: the header has no column '{columns[i]}' (expected {string.Join(',', columns)})");
            }
        }

        return new CsvTable(path, reader, indices);
    }

    /// <summary>Moves to the next row; false at the end of the file.</summary>
    public bool MoveNext()
    {
        try
        {
            if (!_reader.MoveNext())
            {
                return false;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetUsageException($"{Name} line {Line + 1}: malformed row: {e.Message}", e);
        }

        Line = _reader.Current.LineNumberFrom;
        return true;
    }

    /// <summary>The field of the i-th requested column.</summary>
    public ReadOnlySpan<char> Span(int column) => _reader.Current[_columns[column]].Span;

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
        new($"{Name} line {Line}: {what} '{Shorten(value)}' {why}");

    private static string Shorten(ReadOnlySpan<char> value) => value.Length <= 60 ? value.ToString() : string.Concat(value[..57], "...");

    public void Dispose() => _reader.Dispose();
}

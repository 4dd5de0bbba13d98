using System.Globalization;
using nietras.SeparatedValues;

namespace RecSynth.Files.Internals;

/// <summary>A dataset CSV file opened for reading (see <see cref="DatasetTable"/>): the header checked for the columns a reader needs.</summary>
internal sealed class CsvTable : DatasetTable
{
    private readonly SepReader _reader;
    private readonly int[] _columns;
    private readonly bool _unescape;

    private CsvTable(string path, SepReader reader, int[] columns, bool unescape)
        : base(path)
    {
        _reader = reader;
        _columns = columns;
        _unescape = unescape;
    }

    protected override string LineWord => "line";

    /// <summary>The header's column names, in file order.</summary>
    public IReadOnlyList<string> Header => _reader.Header.ColNames;

    /// <summary>
    /// The current row as it stands in the file (without its line ending). Only for a table opened without unescaping:
    /// Sep unescapes a quoted field in place, in the row's own text, once the field is read.
    /// </summary>
    public ReadOnlySpan<char> RowText => _unescape ? throw new InvalidOperationException("RowText needs a table opened with unescape: false") : _reader.Current.Span;

    /// <summary>Opens an existing file (<see cref="DatasetTable.Open"/> finds it).</summary>
    public static CsvTable Open(string path, IReadOnlyList<string> columns) => Open(path, columns, unescape: true, options => options.FromFile(path));

    /// <summary>
    /// Reads <paramref name="stream"/> (left open) as the file <paramref name="path"/> names; without
    /// <paramref name="unescape"/>, fields come as they are written (quotes and all) and <see cref="RowText"/> is the
    /// file's own text (what merge copies).
    /// </summary>
    public static CsvTable Open(Stream stream, string path, IReadOnlyList<string> columns, bool unescape) =>
        Open(path, columns, unescape, options => options.From(stream));

    private static CsvTable Open(string path, IReadOnlyList<string> columns, bool unescape, Func<SepReaderOptions, SepReader> open)
    {
        string name = System.IO.Path.GetFileName(path);
        SepReader reader;
        try
        {
            reader = open(Sep.Reader(o => o with { Unescape = unescape, CultureInfo = CultureInfo.InvariantCulture }));
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

        return new CsvTable(path, reader, indices, unescape);
    }

    public override bool MoveNext()
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
            throw Unreadable("malformed row", e);
        }

        Line = _reader.Current.LineNumberFrom;
        return true;
    }

    public override ReadOnlySpan<char> Span(int column) => _reader.Current[_columns[column]].Span;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }
    }
}

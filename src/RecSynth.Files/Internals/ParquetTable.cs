using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>
/// A dataset table's Parquet form opened for reading (see <see cref="DatasetTable"/>): the requested columns read a
/// row group at a time, each value given as the text its CSV form holds (numbers that round-trip, times in RFC 3339, a
/// null as an empty field), so that both forms go through the same strict parsing and the same messages.
/// </summary>
internal sealed class ParquetTable : DatasetTable
{
    private readonly ParquetReader _reader;
    private readonly Column[] _columns;
    private int _group = -1;
    private int _row = -1;
    private int _rows;

    private ParquetTable(string path, ParquetReader reader, Column[] columns)
        : base(path)
    {
        _reader = reader;
        _columns = columns;
    }

    protected override string LineWord => "row";

    /// <summary>Opens an existing file (<see cref="DatasetTable.Open"/> finds it).</summary>
    public static ParquetTable Open(string path, IReadOnlyList<string> columns)
    {
        string name = System.IO.Path.GetFileName(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsFormatProblem(e))
        {
            throw new DatasetUsageException($"{name}: not a readable Parquet file: {e.Message}", e);
        }

        try
        {
            var fields = reader.Schema.GetDataFields();
            var opened = new Column[columns.Count];
            for (int i = 0; i < columns.Count; i++)
            {
                var field = fields.FirstOrDefault(f => f.Name == columns[i] && f.Path.Length == 1 && !f.IsArray)
                    ?? throw new DatasetUsageException($"{name}: the schema has no column '{columns[i]}' (expected {string.Join(',', columns)})");
                opened[i] = Column.For(field)
                    ?? throw new DatasetUsageException($"{name}: column '{columns[i]}' holds {field.ClrType.Name} values; expected text, numbers or timestamps");
            }

            return new ParquetTable(path, reader, opened);
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public override bool MoveNext()
    {
        _row++;
        while (_row >= _rows)
        {
            if (_group + 1 >= _reader.RowGroupCount)
            {
                return false;
            }

            _group++;
            try
            {
                using var group = _reader.OpenRowGroupReader(_group);
                _rows = checked((int)group.RowCount);
                foreach (var column in _columns)
                {
                    column.Read(group, _rows);
                }
            }
            catch (Exception e) when (IsFormatProblem(e))
            {
                throw Unreadable($"unreadable row group {_group}", e);
            }

            _row = 0;
        }

        Line++;
        return true;
    }

    public override ReadOnlySpan<char> Span(int column) => _columns[column].Text(_row);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static bool IsFormatProblem(Exception e) =>
        e is IOException or InvalidDataException or ParquetException or NotSupportedException or InvalidOperationException or ArgumentException or OverflowException or IndexOutOfRangeException;

    /// <summary>One requested column's values in the current row group.</summary>
    private abstract class Column
    {
        /// <summary>A reader for the field's type, or null when it has none here.</summary>
        public static Column? For(DataField field) => field.ClrType switch
        {
            var t when t == typeof(ReadOnlyMemory<char>) => new TextColumn(field),
            var t when t == typeof(double) => new NumberColumn<double>(field, "R"),
            var t when t == typeof(float) => new NumberColumn<float>(field, "R"),
            var t when t == typeof(decimal) => new NumberColumn<decimal>(field, null),
            var t when t == typeof(long) => new NumberColumn<long>(field, null),
            var t when t == typeof(int) => new NumberColumn<int>(field, null),
            var t when t == typeof(short) => new NumberColumn<short>(field, null),
            var t when t == typeof(DateTime) => new NumberColumn<DateTime>(field, null),
            _ => null,
        };

        public abstract void Read(ParquetRowGroupReader group, int rows);

        public abstract ReadOnlySpan<char> Text(int row);
    }

    /// <summary>
    /// The values of a column of <typeparamref name="T"/>: a required column is read as plain values, an optional one
    /// with its nulls (reading a required column with nulls gives values that are not the file's).
    /// </summary>
    private abstract class Column<T>(DataField field) : Column
        where T : struct
    {
        private T[] _values = [];
        private T?[] _optional = [];

        public override void Read(ParquetRowGroupReader group, int rows)
        {
            if (field.IsNullable)
            {
                _optional = _optional.Length >= rows ? _optional : new T?[rows];
                group.ReadAsync<T>(field, _optional.AsMemory(0, rows), null).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                _values = _values.Length >= rows ? _values : new T[rows];
                group.ReadAsync(field, _values.AsMemory(0, rows), null).AsTask().GetAwaiter().GetResult();
            }
        }

        protected bool TryGet(int row, out T value)
        {
            value = field.IsNullable ? _optional[row].GetValueOrDefault() : _values[row];
            return !field.IsNullable || _optional[row].HasValue;
        }
    }

    private sealed class TextColumn(DataField field) : Column<ReadOnlyMemory<char>>(field)
    {
        public override ReadOnlySpan<char> Text(int row) => TryGet(row, out var text) ? text.Span : default;
    }

    /// <summary>Numbers in their shortest round-trip form; times (UTC) as RFC 3339, to the second unless they have a fraction.</summary>
    private sealed class NumberColumn<T>(DataField field, string? format) : Column<T>(field)
        where T : struct, ISpanFormattable
    {
        private readonly char[] _text = new char[64];

        public override ReadOnlySpan<char> Text(int row)
        {
            if (!TryGet(row, out var value))
            {
                return default;
            }

            int written;
            if (value is DateTime time)
            {
                time = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
                time.TryFormat(_text, out written, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            }
            else
            {
                value.TryFormat(_text, out written, format, CultureInfo.InvariantCulture);
            }

            return _text.AsSpan(0, written);
        }
    }
}

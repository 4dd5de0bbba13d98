using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace RecSynth.Files.Internals;

/// <summary>A Parquet column's type (<see cref="ParquetTables.KindOf"/>).</summary>
internal enum ParquetKind
{
    Text,
    Int32,
    Int64,
    Real,
    Time,
}

/// <summary>
/// One row of a <see cref="ParquetFile"/>'s row group being filled, field by field in the schema's order, each field
/// the value its CSV form reads back as: an empty text (an empty CSV field) is a null, a number written with fixed
/// decimals is the double its text parses to (<see cref="Fixed"/>), a time is whole seconds in UTC.
/// </summary>
internal ref struct ParquetRow(ParquetColumn[] columns, int row)
{
    private readonly ParquetColumn[] _columns = columns;
    private readonly int _row = row;
    private int _column;

    /// <summary>A text field; empty is a null.</summary>
    public void Text(scoped ReadOnlySpan<char> value)
    {
        var column = Next(ParquetKind.Text);
        value.CopyTo(column.StartText(_row, value.Length));
        column.EndText(_row, value.Length);
    }

    /// <summary>A text field of <paramref name="prefix"/> and a non-negative number zero-padded to <paramref name="width"/> digits (item_42, U000042).</summary>
    public void Id(string prefix, long value, int width)
    {
        var column = Next(ParquetKind.Text);
        var text = column.StartText(_row, prefix.Length + Math.Max(width, 20));
        prefix.CopyTo(text);
        int digits = Math.Max(width, CountDigits((ulong)value));
        for (int i = prefix.Length + digits - 1; i >= prefix.Length; i--)
        {
            text[i] = (char)('0' + (int)(value % 10));
            value /= 10;
        }

        column.EndText(_row, prefix.Length + digits);
    }

    /// <summary>Starts a text field composed in place: at most <paramref name="capacity"/> characters, then <see cref="EndText"/>.</summary>
    public readonly Span<char> StartText(int capacity) => Current(ParquetKind.Text).StartText(_row, capacity);

    /// <summary>Ends the text field started with <see cref="StartText"/>: its first <paramref name="length"/> characters (none: a null).</summary>
    public void EndText(int length) => Next(ParquetKind.Text).EndText(_row, length);

    public void Int32(int value) => Next(ParquetKind.Int32).Int32s![_row] = value;

    public void Int64(long value) => Next(ParquetKind.Int64).Int64s![_row] = value;

    /// <summary>A double as it is (the CSV form writes it in its shortest round-trip text).</summary>
    public void Real(double value) => Next(ParquetKind.Real).Set(_row, value);

    /// <summary>The double that <paramref name="value"/>'s CSV text with <paramref name="decimals"/> fixed decimals reads back as (<see cref="Utf8Row.Fixed"/>).</summary>
    public void Fixed(double value, int decimals) => Real(Utf8Row.FixedValue(value, decimals));

    /// <summary>Unix seconds as a UTC time (the CSV form's RFC 3339 text).</summary>
    public void Time(long unixSeconds)
    {
        if (unixSeconds is < -62_135_596_800 or > 253_402_300_799)
        {
            throw new ArgumentOutOfRangeException(nameof(unixSeconds), unixSeconds, "timestamps must fall in the years 0001-9999");
        }

        Next(ParquetKind.Time).Set(_row, DateTime.UnixEpoch.AddTicks(unixSeconds * TimeSpan.TicksPerSecond));
    }

    /// <summary>A null: the empty field of a text, number or time column.</summary>
    public void Null()
    {
        var column = _columns[_column];
        if (column.Kind is ParquetKind.Int32 or ParquetKind.Int64)
        {
            throw new InvalidOperationException($"column {_column} holds {column.Kind}: it cannot be null");
        }

        _column++;
        column.SetNull(_row);
    }

    /// <summary>A field from its CSV text, parsed as its column's type (<see cref="FormatException"/> if it is not one).</summary>
    public void Parse(ReadOnlySpan<char> text)
    {
        var culture = CultureInfo.InvariantCulture;
        switch (_columns[_column].Kind)
        {
            case ParquetKind.Text:
                Text(text);
                break;
            case ParquetKind.Int32:
                Int32(int.Parse(text, NumberStyles.AllowLeadingSign, culture));
                break;
            case ParquetKind.Int64:
                Int64(long.Parse(text, NumberStyles.AllowLeadingSign, culture));
                break;
            case ParquetKind.Real when !text.IsEmpty:
                Real(double.Parse(text, NumberStyles.Float, culture));
                break;
            case ParquetKind.Time when !text.IsEmpty:
                Next(ParquetKind.Time).Set(_row, DateTime.ParseExact(
                    text, "yyyy-MM-dd'T'HH:mm:ss'Z'", culture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
                break;
            default:
                Null();
                break;
        }
    }

    /// <summary>Checks that every column got its field.</summary>
    public readonly void Complete()
    {
        if (_column != _columns.Length)
        {
            throw new InvalidOperationException($"row {_row} has {_column} fields; the table has {_columns.Length} columns");
        }
    }

    private static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ParquetColumn Current(ParquetKind kind)
    {
        var column = _columns[_column];
        if (column.Kind != kind)
        {
            WrongKind(column.Kind, kind);
        }

        return column;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ParquetColumn Next(ParquetKind kind)
    {
        var column = Current(kind);
        _column++;
        return column;
    }

    [DoesNotReturn]
    private readonly void WrongKind(ParquetKind actual, ParquetKind expected) =>
        throw new InvalidOperationException($"column {_column} holds {actual}, not {expected}");
}

/// <summary>
/// One column of a <see cref="ParquetFile"/>'s row group being filled, kept as Parquet.Net writes it: the values
/// present and a definition level per row (1: present, 0: null) for the columns that may be null. A text column keeps
/// its characters per slot of <see cref="ParquetFile.SlotRows"/> rows (so that threads filling different slots do not
/// share a buffer), and each value's place in them.
/// </summary>
internal sealed class ParquetColumn(ParquetKind kind)
{
    private const int Rows = ParquetTables.RowGroupRows;
    private readonly int[]? _starts = kind == ParquetKind.Text ? new int[Rows] : null;
    private readonly int[]? _lengths = kind == ParquetKind.Text ? new int[Rows] : null; // 0: null
    private readonly char[][]? _chars = kind == ParquetKind.Text ? [.. Enumerable.Range(0, Rows / ParquetFile.SlotRows).Select(_ => new char[1024])] : null;
    private readonly int[]? _used = kind == ParquetKind.Text ? new int[Rows / ParquetFile.SlotRows] : null;
    private readonly double[]? _reals = kind == ParquetKind.Real ? new double[Rows] : null;
    private readonly DateTime[]? _times = kind == ParquetKind.Time ? new DateTime[Rows] : null;
    private readonly int[]? _defined = kind is ParquetKind.Real or ParquetKind.Time ? new int[Rows] : null;

    public ParquetKind Kind { get; } = kind;

    public int[]? Int32s { get; } = kind == ParquetKind.Int32 ? new int[Rows] : null;

    public long[]? Int64s { get; } = kind == ParquetKind.Int64 ? new long[Rows] : null;

    public void Set(int row, double value)
    {
        _reals![row] = value;
        _defined![row] = 1;
    }

    public void Set(int row, DateTime value)
    {
        _times![row] = value;
        _defined![row] = 1;
    }

    public void SetNull(int row)
    {
        if (Kind == ParquetKind.Text)
        {
            EndText(row, 0);
        }
        else
        {
            _defined![row] = 0;
        }
    }

    public Span<char> StartText(int row, int capacity)
    {
        int slot = row / ParquetFile.SlotRows;
        ref char[] chars = ref _chars![slot];
        if (_used![slot] + capacity > chars.Length)
        {
            Array.Resize(ref chars, Math.Max(2 * chars.Length, _used[slot] + capacity));
        }

        return chars.AsSpan(_used[slot], capacity);
    }

    public void EndText(int row, int length)
    {
        int slot = row / ParquetFile.SlotRows;
        _starts![row] = _used![slot];
        _lengths![row] = length;
        _used[slot] += length;
    }

    /// <summary>Empties the text buffers for the next row group (the other columns are overwritten).</summary>
    public void Clear()
    {
        if (_used is not null)
        {
            Array.Clear(_used);
        }
    }

    /// <summary>Writes the first <paramref name="count"/> rows (the values present, then their definition levels, as Parquet.Net does with nullable values).</summary>
    public Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, ParquetScratch scratch, CancellationToken cancellationToken)
    {
        switch (Kind)
        {
            case ParquetKind.Int32:
                return group.WriteAsync(field, new ReadOnlyMemory<int>(Int32s, 0, count), null, null, cancellationToken);
            case ParquetKind.Int64:
                return group.WriteAsync(field, new ReadOnlyMemory<long>(Int64s, 0, count), null, null, cancellationToken);
            case ParquetKind.Text:
                int present = 0;
                for (int r = 0; r < count; r++)
                {
                    int length = _lengths![r];
                    scratch.Defined[r] = length == 0 ? 0 : 1;
                    if (length > 0)
                    {
                        scratch.Texts[present++] = _chars![r / ParquetFile.SlotRows].AsMemory(_starts![r], length);
                    }
                }

                return group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, scratch.Texts.AsMemory(0, present), scratch.Defined.AsMemory(0, count), null, cancellationToken);
            case ParquetKind.Real:
                return group.WriteAllPartsAsync(field, Present(_reals!, count), _defined.AsMemory(0, count), null, cancellationToken);
            default:
                return group.WriteAllPartsAsync(field, Present(_times!, count), _defined.AsMemory(0, count), null, cancellationToken);
        }
    }

    /// <summary>The values of the rows that have one, moved to the front (in place: the next row group overwrites them).</summary>
    private ReadOnlyMemory<T> Present<T>(T[] values, int count)
    {
        int present = 0;
        for (int r = 0; r < count; r++)
        {
            if (_defined![r] == 1)
            {
                values[present++] = values[r];
            }
        }

        return values.AsMemory(0, present);
    }
}

/// <summary>Room for one text column's values and definition levels as Parquet.Net takes them.</summary>
internal sealed class ParquetScratch
{
    public ReadOnlyMemory<char>[] Texts { get; } = new ReadOnlyMemory<char>[ParquetTables.RowGroupRows];

    public int[] Defined { get; } = new int[ParquetTables.RowGroupRows];
}

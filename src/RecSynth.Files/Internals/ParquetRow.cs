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

    /// <summary>A text field that is a string kept as it is (a name, a type): only the reference is kept; empty is a null.</summary>
    public void Text(string? value) => Next(ParquetKind.Text).SetText(_row, value);

    /// <summary>A text field copied from <paramref name="value"/>; empty is a null.</summary>
    public void Text(scoped ReadOnlySpan<char> value)
    {
        var column = Next(ParquetKind.Text);
        value.CopyTo(column.StartText(_row, value.Length));
        column.EndText(_row, value.Length);
    }

    /// <summary>
    /// A text field of <paramref name="prefix"/> and a non-negative number zero-padded to <paramref name="width"/>
    /// digits (item_42, U000042); only the number is kept, and the text made when the row group is written (the same
    /// prefix and width for every row of the column).
    /// </summary>
    public void Id(string prefix, int value, int width) => Next(ParquetKind.Text).SetId(_row, prefix, value, width);

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
/// One column of a <see cref="ParquetFile"/>'s row group being filled, kept small until it is written (when its values
/// are laid out as Parquet.Net takes them): numbers as they are, with a byte per row for whether a value is present
/// (the definition level) where a column may hold nulls; a text as the string it is (by reference), as the number of
/// an id, or as characters composed per slot of <see cref="ParquetFile.SlotRows"/> rows (so that threads filling
/// different slots never share a buffer).
/// </summary>
internal sealed class ParquetColumn(ParquetKind kind)
{
    private const int Rows = ParquetTables.RowGroupRows;
    private const byte Absent = 0, Present = 1, Id = 2, Composed = 3; // a row's state: text columns use all four
    private readonly byte[]? _state = kind is ParquetKind.Text or ParquetKind.Real or ParquetKind.Time ? new byte[Rows] : null;
    private readonly double[]? _reals = kind == ParquetKind.Real ? new double[Rows] : null;
    private readonly DateTime[]? _times = kind == ParquetKind.Time ? new DateTime[Rows] : null;
    private string?[]? _strings; // text: allocated when first needed, by whichever thread needs it first
    private int[]? _ids;
    private IdForm? _idForm; // a reference, so that threads never see half of one
    private int[]? _starts, _lengths;
    private char[][]? _chars;
    private int[]? _used;

    public ParquetKind Kind { get; } = kind;

    public int[]? Int32s { get; } = kind == ParquetKind.Int32 ? new int[Rows] : null;

    public long[]? Int64s { get; } = kind == ParquetKind.Int64 ? new long[Rows] : null;

    public void Set(int row, double value)
    {
        _reals![row] = value;
        _state![row] = Present;
    }

    public void Set(int row, DateTime value)
    {
        _times![row] = value;
        _state![row] = Present;
    }

    public void SetNull(int row) => _state![row] = Absent;

    public void SetText(int row, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            _state![row] = Absent;
            return;
        }

        LazyInitializer.EnsureInitialized(ref _strings, () => new string?[Rows])[row] = value;
        _state![row] = Present;
    }

    public void SetId(int row, string prefix, int value, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var form = _idForm ??= new IdForm(prefix, width); // threads racing here set equal forms
        if (form.Prefix != prefix || form.Width != width)
        {
            throw new InvalidOperationException($"ids of one column share their prefix and width: {prefix}/{width}, not {form.Prefix}/{form.Width}");
        }

        LazyInitializer.EnsureInitialized(ref _ids, () => new int[Rows])[row] = value;
        _state![row] = Id;
    }

    public Span<char> StartText(int row, int capacity)
    {
        int slot = row / ParquetFile.SlotRows;
        var chars = LazyInitializer.EnsureInitialized(ref _chars, () => new char[Rows / ParquetFile.SlotRows][]);
        var used = LazyInitializer.EnsureInitialized(ref _used, () => new int[Rows / ParquetFile.SlotRows]);
        ref char[] slotChars = ref chars[slot];
        slotChars ??= new char[Math.Max(1024, capacity)];
        if (used[slot] + capacity > slotChars.Length)
        {
            Array.Resize(ref slotChars, Math.Max(2 * slotChars.Length, used[slot] + capacity));
        }

        return slotChars.AsSpan(used[slot], capacity);
    }

    public void EndText(int row, int length)
    {
        if (length == 0)
        {
            _state![row] = Absent;
            return;
        }

        int slot = row / ParquetFile.SlotRows;
        LazyInitializer.EnsureInitialized(ref _starts, () => new int[Rows])[row] = _used![slot];
        LazyInitializer.EnsureInitialized(ref _lengths, () => new int[Rows])[row] = length;
        _used[slot] += length;
        _state![row] = Composed;
    }

    /// <summary>Empties the composed texts' buffers for the next row group (every other value is overwritten).</summary>
    public void Clear()
    {
        if (_used is not null)
        {
            Array.Clear(_used);
        }
    }

    /// <summary>Writes the first <paramref name="count"/> rows: the values present, and where the column may hold nulls, a definition level per row.</summary>
    public Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, ParquetScratch scratch, CancellationToken cancellationToken)
    {
        switch (Kind)
        {
            case ParquetKind.Int32:
                return group.WriteAsync(field, new ReadOnlyMemory<int>(Int32s, 0, count), null, null, cancellationToken);
            case ParquetKind.Int64:
                return group.WriteAsync(field, new ReadOnlyMemory<long>(Int64s, 0, count), null, null, cancellationToken);
            case ParquetKind.Text:
                return group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, Texts(count, scratch), Defined(count, scratch), null, cancellationToken);
            case ParquetKind.Real:
                return group.WriteAllPartsAsync(field, PresentValues(_reals!, count), Defined(count, scratch), null, cancellationToken);
            default:
                return group.WriteAllPartsAsync(field, PresentValues(_times!, count), Defined(count, scratch), null, cancellationToken);
        }
    }

    private ReadOnlyMemory<int> Defined(int count, ParquetScratch scratch)
    {
        for (int r = 0; r < count; r++)
        {
            scratch.Defined[r] = _state![r] == Absent ? 0 : 1;
        }

        return scratch.Defined.AsMemory(0, count);
    }

    /// <summary>The texts of the rows that have one, as Parquet.Net takes them (an id's text made here, in the scratch's characters).</summary>
    private ReadOnlyMemory<ReadOnlyMemory<char>> Texts(int count, ParquetScratch scratch)
    {
        char[] idChars = scratch.Chars;
        if (_idForm is { } form)
        {
            int largest = 0;
            for (int r = 0; r < count; r++)
            {
                largest = _state![r] == Id ? Math.Max(largest, _ids![r]) : largest;
            }

            int longest = form.Prefix.Length + Math.Max(form.Width, Digits(largest));
            if (idChars.Length < count * longest)
            {
                idChars = scratch.Chars = new char[count * longest];
            }
        }

        int present = 0, used = 0;
        for (int r = 0; r < count; r++)
        {
            switch (_state![r])
            {
                case Present:
                    scratch.Texts[present++] = _strings![r].AsMemory();
                    break;
                case Id:
                    int length = FormatId(_idForm!.Prefix, _ids![r], _idForm.Width, idChars.AsSpan(used));
                    scratch.Texts[present++] = idChars.AsMemory(used, length);
                    used += length;
                    break;
                case Composed:
                    scratch.Texts[present++] = _chars![r / ParquetFile.SlotRows].AsMemory(_starts![r], _lengths![r]);
                    break;
            }
        }

        return scratch.Texts.AsMemory(0, present);
    }

    /// <summary>The values of the rows that have one, moved to the front (in place: the next row group overwrites them).</summary>
    private ReadOnlyMemory<T> PresentValues<T>(T[] values, int count)
    {
        int present = 0;
        for (int r = 0; r < count; r++)
        {
            if (_state![r] == Present)
            {
                values[present++] = values[r];
            }
        }

        return values.AsMemory(0, present);
    }

    private sealed record IdForm(string Prefix, int Width);

    private static int Digits(int value)
    {
        int digits = 1;
        for (int rest = value / 10; rest > 0; rest /= 10)
        {
            digits++;
        }

        return digits;
    }

    private static int FormatId(string prefix, int value, int width, Span<char> text)
    {
        prefix.CopyTo(text);
        int digits = Math.Max(width, Digits(value));
        for (int i = prefix.Length + digits - 1; i >= prefix.Length; i--)
        {
            text[i] = (char)('0' + value % 10);
            value /= 10;
        }

        return prefix.Length + digits;
    }
}

/// <summary>Room for one column's values and definition levels as Parquet.Net takes them: one column is written at a time.</summary>
internal sealed class ParquetScratch
{
    public ReadOnlyMemory<char>[] Texts { get; } = new ReadOnlyMemory<char>[ParquetTables.RowGroupRows];

    public int[] Defined { get; } = new int[ParquetTables.RowGroupRows];

    /// <summary>The characters of a column's ids.</summary>
    public char[] Chars { get; set; } = [];
}

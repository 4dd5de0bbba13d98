using System.Buffers;
using System.Runtime.CompilerServices;

namespace RecSynth.Files.Internals;

/// <summary>
/// Formats one CSV row (RFC 4180) as UTF-8 straight into a span: no strings, no per-row allocation.
/// The caller reserves a span large enough for the longest possible row.
/// </summary>
internal ref struct Utf8Row(Span<byte> buffer)
{
    private static readonly SearchValues<byte> s_special = SearchValues.Create(",\"\r\n"u8);
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    public readonly int Length => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Byte(byte b) => _buffer[_position++] = b;

    public void Comma() => _buffer[_position++] = (byte)',';

    public void EndLine() => _buffer[_position++] = (byte)'\n';

    /// <summary>A field, quoted (with quotes doubled) only when it holds a comma, quote or line break.</summary>
    public void Field(scoped ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(s_special) < 0)
        {
            Raw(value);
            return;
        }

        _buffer[_position++] = (byte)'"';
        foreach (byte b in value)
        {
            if (b == (byte)'"')
            {
                _buffer[_position++] = (byte)'"';
            }

            _buffer[_position++] = b;
        }

        _buffer[_position++] = (byte)'"';
    }

    /// <summary>A non-negative or negative integer in decimal.</summary>
    public void Integer(long value)
    {
        if (value < 0)
        {
            _buffer[_position++] = (byte)'-';
            value = -value;
        }

        _position += Digits((ulong)value, _buffer[_position..], minimumWidth: 1);
    }

    /// <summary>A non-negative integer left-padded with zeros to <paramref name="width"/> digits.</summary>
    public void ZeroPadded(long value, int width) => _position += Digits((ulong)value, _buffer[_position..], width);

    /// <summary>
    /// A number with exactly <paramref name="decimals"/> decimals (0–9), e.g. 57.10, rounded half away from zero.
    /// For values already rounded to that many decimals (as the model's are) this is what "F" formatting prints.
    /// </summary>
    public void Fixed(double value, int decimals)
    {
        CheckFinite(value);
        if (value < 0)
        {
            _buffer[_position++] = (byte)'-';
            value = -value;
        }

        ulong scale = s_powers[decimals];
        if (!TryScale(value, scale, out ulong scaled))
        {
            // Beyond exact integer scaling (2^53): rare, so the library formatter is fine here.
            value.TryFormat(_buffer[_position..], out int written, FixedFormat(decimals), System.Globalization.CultureInfo.InvariantCulture);
            _position += written;
            return;
        }

        _position += Digits(scaled / scale, _buffer[_position..], minimumWidth: 1);
        if (decimals > 0)
        {
            _buffer[_position++] = (byte)'.';
            _position += Digits(scaled % scale, _buffer[_position..], decimals);
        }
    }

    /// <summary>
    /// The number <see cref="Fixed"/> writes for <paramref name="value"/>, as the double its text reads back as (what
    /// a reader of the CSV file gets, e.g. 57.1 for 57.0999): the decimal scaled / 10^decimals rounded once to the
    /// nearest double, which is what dividing the two integers does when both are below 2^53.
    /// </summary>
    public static double FixedValue(double value, int decimals)
    {
        CheckFinite(value);
        bool negative = value < 0; // as Fixed: "-0.00" reads back as -0
        double magnitude = negative ? -value : value;
        ulong scale = s_powers[decimals];
        double read = TryScale(magnitude, scale, out ulong scaled)
            ? scaled / (double)scale
            : double.Parse(magnitude.ToString(FixedFormat(decimals), System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        return negative ? -read : read;
    }

    private static void CheckFinite(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "only finite numbers are written to the data files");
        }
    }

    /// <summary>A non-negative value times 10^decimals, rounded half away from zero; false beyond exact integer scaling.</summary>
    private static bool TryScale(double magnitude, ulong scale, out ulong scaled)
    {
        bool exact = magnitude * scale < 9e15;
        scaled = exact ? (ulong)Math.Round(magnitude * scale, MidpointRounding.AwayFromZero) : 0;
        return exact;
    }

    private static string FixedFormat(int decimals) => "F" + decimals.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The shortest text that reads back as the same double (e.g. 0.5, 0.2, 1).</summary>
    public void Shortest(double value)
    {
        // A column of these (a propensity) mostly repeats the previous row's value: its text is kept per thread.
        long bits = BitConverter.DoubleToInt64Bits(value);
        var last = t_shortest ??= new byte[32];
        if (t_shortestLength > 0 && bits == t_shortestBits)
        {
            Raw(last.AsSpan(0, t_shortestLength));
            return;
        }

        value.TryFormat(_buffer[_position..], out int written, "R", System.Globalization.CultureInfo.InvariantCulture);
        if (written <= last.Length)
        {
            _buffer.Slice(_position, written).CopyTo(last);
            (t_shortestBits, t_shortestLength) = (bits, written);
        }

        _position += written;
    }

    [ThreadStatic]
    private static byte[]? t_shortest;

    [ThreadStatic]
    private static int t_shortestLength;

    [ThreadStatic]
    private static long t_shortestBits;

    /// <summary>Unix seconds as RFC 3339 UTC: 2023-05-03T13:06:52Z.</summary>
    public void Timestamp(long unixSeconds)
    {
        _position += Rfc3339.Format(unixSeconds, _buffer[_position..]);
    }

    private static readonly ulong[] s_powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>Writes <paramref name="value"/> in decimal, zero-padded to at least <paramref name="minimumWidth"/> digits (at most 99).</summary>
    internal static int Digits(ulong value, Span<byte> destination, int minimumWidth)
    {
        // The runtime's formatter writes two digits per step from a table; 'D' with a precision pads with zeros.
        if (!System.Buffers.Text.Utf8Formatter.TryFormat(value, destination, out int written, new StandardFormat('D', (byte)minimumWidth)))
        {
            throw new ArgumentException("the row buffer is too small for the number", nameof(destination));
        }

        return written;
    }
}

/// <summary>RFC 3339 UTC timestamps with second precision, the form Gorse accepts.</summary>
internal static class Rfc3339
{
    public const int Length = 20;

    /// <summary>Writes yyyy-MM-ddTHH:mm:ssZ (years 0001–9999) and returns 20.</summary>
    public static int Format(long unixSeconds, Span<byte> destination)
    {
        long days = Math.DivRem(unixSeconds, 86_400, out long secondOfDay);
        if (secondOfDay < 0)
        {
            secondOfDay += 86_400;
            days--;
        }

        destination = destination[..Length];
        // Rows come in time order: the date part is mostly the previous row's (kept per thread).
        var last = t_date;
        if (last is null || days != t_day)
        {
            last ??= new byte[10];
            WriteDate(days, last); // checks the year before it writes
            (t_date, t_day) = (last, days);
        }

        last.CopyTo(destination);
        destination[10] = (byte)'T';
        Two(secondOfDay / 3_600, destination[11..]);
        destination[13] = (byte)':';
        Two(secondOfDay / 60 % 60, destination[14..]);
        destination[16] = (byte)':';
        Two(secondOfDay % 60, destination[17..]);
        destination[19] = (byte)'Z';
        return Length;
    }

    [ThreadStatic]
    private static byte[]? t_date;

    [ThreadStatic]
    private static long t_day;

    /// <summary>yyyy-MM-dd of a day since 1970-01-01 (years 0001–9999).</summary>
    private static void WriteDate(long days, Span<byte> destination)
    {
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
        long z = days + 719_468;
        long era = (z >= 0 ? z : z - 146_096) / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year is < 1 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, "timestamps must fall in the years 0001-9999");
        }

        Utf8Row.Digits((ulong)year, destination, 4);
        destination[4] = (byte)'-';
        Two(month, destination[5..]);
        destination[7] = (byte)'-';
        Two(day, destination[8..]);
    }

    public static string Format(long unixSeconds)
    {
        Span<byte> buffer = stackalloc byte[Length];
        Format(unixSeconds, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private static void Two(long value, Span<byte> destination)
    {
        destination[0] = (byte)('0' + value / 10);
        destination[1] = (byte)('0' + value % 10);
    }
}

using System.Buffers;
using System.Globalization;
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

    public void Integer(long value)
    {
        value.TryFormat(_buffer[_position..], out int written, default, CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>An integer left-padded with zeros to <paramref name="width"/> digits.</summary>
    public void ZeroPadded(long value, int width)
    {
        Span<char> format = stackalloc char[4];
        format[0] = 'D';
        width.TryFormat(format[1..], out int digits, default, CultureInfo.InvariantCulture);
        value.TryFormat(_buffer[_position..], out int written, format[..(1 + digits)], CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>A number with exactly <paramref name="decimals"/> decimals (0–9), e.g. 57.10.</summary>
    public void Fixed(double value, int decimals)
    {
        ReadOnlySpan<char> format = decimals switch
        {
            0 => "F0", 1 => "F1", 2 => "F2", 3 => "F3", 4 => "F4", 5 => "F5", 6 => "F6", 7 => "F7", 8 => "F8", _ => "F9",
        };
        value.TryFormat(_buffer[_position..], out int written, format, CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>Unix seconds as RFC 3339 UTC: 2023-05-03T13:06:52Z.</summary>
    public void Timestamp(long unixSeconds)
    {
        _position += Rfc3339.Format(unixSeconds, _buffer[_position..]);
    }
}

/// <summary>RFC 3339 UTC timestamps with second precision, the form Gorse accepts.</summary>
internal static class Rfc3339
{
    public const int Length = 20;

    public static int Format(long unixSeconds, Span<byte> destination)
    {
        var time = DateTime.UnixEpoch.AddSeconds(unixSeconds);
        time.TryFormat(destination, out int written, "s", CultureInfo.InvariantCulture);
        destination[written] = (byte)'Z';
        return written + 1;
    }

    public static string Format(long unixSeconds)
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = Format(unixSeconds, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }
}

using System.Globalization;
using System.Text;

namespace RecSynth.Files.Internals;

/// <summary>
/// The NumPy <c>.npy</c> format, version 1.0: magic, a Python-literal header dict padded with spaces to a
/// multiple of 64 bytes and ended by a newline, then the raw little-endian C-order data.
/// </summary>
internal static class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The header for a C-order array of the given dtype (<c>&lt;f4</c>, <c>&lt;f8</c>) and shape.</summary>
    public static byte[] Header(string descr, params ReadOnlySpan<long> shape)
    {
        var dims = new StringBuilder();
        foreach (long d in shape)
        {
            dims.Append(d.ToString(CultureInfo.InvariantCulture)).Append(", ");
        }

        string shapeText = shape.Length == 1 ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)" : "(" + dims.ToString().TrimEnd(' ', ',') + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        if (header.Length > ushort.MaxValue)
        {
            throw new InvalidOperationException("npy header too long for format 1.0");
        }

        var bytes = new byte[Magic.Length + 4 + header.Length];
        Magic.CopyTo(bytes);
        bytes[6] = 1; // major version
        bytes[7] = 0; // minor version
        bytes[8] = (byte)(header.Length & 0xFF);
        bytes[9] = (byte)(header.Length >> 8);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        return bytes;
    }

    /// <summary>Parses a header: dtype, shape, and where the data starts. Throws <see cref="FormatException"/> on anything else.</summary>
    public static (string Descr, long[] Shape, int DataOffset) ReadHeader(ReadOnlySpan<byte> file, string name)
    {
        if (file.Length < 10 || !file[..6].SequenceEqual(Magic))
        {
            throw new FormatException($"{name}: not a NumPy .npy file (bad magic)");
        }

        int major = file[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = file[8] | (file[9] << 8);
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = file[8] | (file[9] << 8) | (file[10] << 16) | (file[11] << 24);
            offset = 12;
        }
        else
        {
            throw new FormatException($"{name}: unsupported .npy version {major}");
        }

        if (file.Length < offset + headerLength)
        {
            throw new FormatException($"{name}: truncated .npy header");
        }

        string header = Encoding.Latin1.GetString(file.Slice(offset, headerLength));
        string descr = Between(header, "'descr':", name).Trim().Trim('\'');
        string order = Between(header, "'fortran_order':", name).Trim();
        if (order != "False")
        {
            throw new FormatException($"{name}: Fortran-order arrays are not supported");
        }

        string shapeText = Between(header, "'shape':", name).Trim().TrimStart('(').TrimEnd(')');
        long[] shape = [.. shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        return (descr, shape, offset + headerLength);
    }

    private static string Between(string header, string key, string name)
    {
        int start = header.IndexOf(key, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FormatException($"{name}: .npy header has no {key}");
        }

        start += key.Length;
        int end = key == "'shape':" ? header.IndexOf(')', start) + 1 : header.IndexOf(',', start);
        return header[start..end];
    }
}

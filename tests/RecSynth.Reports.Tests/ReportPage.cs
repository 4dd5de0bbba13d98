using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace RecSynth.Reports.Tests;

/// <summary>A written report read back as a browser would see its parts: figures, images, tables, notes.</summary>
internal sealed partial class ReportPage
{
    public ReportPage(string html) => Html = html;

    public string Html { get; }

    public static ReportPage Load(string path) => new(File.ReadAllText(path, Encoding.UTF8));

    /// <summary>The ids of the figures, in page order.</summary>
    public string[] FigureIds => [.. FigureId().Matches(Html).Select(m => m.Groups[1].Value)];

    /// <summary>Every &lt;img&gt;'s src attribute, in page order.</summary>
    public string[] ImageSources => [.. ImageSource().Matches(Html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    /// <summary>The PNG bytes of the figure with that id.</summary>
    public byte[] Png(string figureId)
    {
        var match = Regex.Match(Html, $"<figure id=\"{Regex.Escape(figureId)}\">\\s*<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.True(match.Success, $"no figure {figureId} with an embedded PNG");
        return Convert.FromBase64String(match.Groups[1].Value);
    }

    public bool HasElement(string id) => Html.Contains($"id=\"{id}\"", StringComparison.Ordinal);

    /// <summary>The cells of a table's body rows, decoded.</summary>
    public List<string[]> TableRows(string id)
    {
        int start = Html.IndexOf($"<table id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {id}");
        int end = Html.IndexOf("</table>", start, StringComparison.Ordinal);
        string body = Html[Html.IndexOf("<tbody>", start, StringComparison.Ordinal)..end];
        return [.. Row().Matches(body).Select(r => Cell().Matches(r.Groups[1].Value).Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToArray())];
    }

    /// <summary>The text of the element with that id (tags removed, decoded).</summary>
    public string Text(string id)
    {
        var match = Regex.Match(Html, $"<(\\w+)[^>]* id=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no element {id}");
        return WebUtility.HtmlDecode(Regex.Replace(match.Groups[2].Value, "<[^>]+>", ""));
    }

    [GeneratedRegex("<figure id=\"([^\"]+)\">")]
    private static partial Regex FigureId();

    [GeneratedRegex("<img[^>]* src=\"([^\"]*)\"")]
    private static partial Regex ImageSource();

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();
}

/// <summary>
/// Decodes a PNG as far as its pixels, independently of the code under test: signature, chunks and their CRCs, IHDR,
/// and the inflated IDAT stream's size (one filter byte plus the pixels of every row).
/// </summary>
internal static class PngDecoder
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) Decode(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith(s_signature), "not a PNG: bad signature");
        int offset = 8, width = 0, height = 0, bytesPerPixel = 0;
        using var idat = new MemoryStream();
        bool ended = false;
        while (!ended)
        {
            Assert.True(offset + 12 <= png.Length, "truncated PNG: a chunk runs past the end");
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length)), Crc32(png.AsSpan(offset + 4, 4 + length)));
            switch (type)
            {
                case "IHDR":
                    Assert.True(offset == 8 && length == 13, "IHDR must come first, with 13 bytes");
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]); // bit depth
                    bytesPerPixel = data[9] switch { 2 => 3, 6 => 4, 0 => 1, 4 => 2, var other => throw new InvalidDataException($"colour type {other}") };
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            offset += 12 + length;
        }

        Assert.True(width > 0 && height > 0, $"IHDR gives {width} x {height}");
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        Assert.Equal((long)height * (1 + (long)width * bytesPerPixel), inflated.Length);
        return (width, height);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}

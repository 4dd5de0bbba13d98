using System.Text;
using CsCheck;
using RecSynth.Files.Internals;

namespace RecSynth.Files.Tests;

/// <summary>NpyFormat writes NumPy format 1.0 headers and reads them back.</summary>
public sealed class NpyFormatTests
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    [Theory]
    [InlineData("<f4", new long[] { 1000, 512 })]
    [InlineData("<f8", new long[] { 1, 1 })]
    [InlineData("<f4", new long[] { 7 })]
    [InlineData("<f4", new long[] { 0, 32 })]
    [InlineData("<f8", new long[] { 123_456_789_012, 8192 })]
    public void A_header_is_a_padded_version_1_0_header(string descr, long[] shape)
    {
        byte[] header = NpyFormat.Header(descr, shape);

        Assert.Equal(0, header.Length % 64);
        Assert.Equal(Magic, header[..6]);
        Assert.Equal((byte)1, header[6]);
        Assert.Equal((byte)0, header[7]);
        Assert.Equal(header.Length - 10, header[8] | (header[9] << 8));
        Assert.Equal((byte)'\n', header[^1]);
        string dict = Encoding.ASCII.GetString(header, 10, header.Length - 10).TrimEnd('\n').TrimEnd(' ');
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        Assert.Equal($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}", dict);
    }

    [Fact]
    public void Headers_of_any_1d_or_2d_shape_read_back()
    {
        var gen = Gen.Select(
            Gen.OneOfConst("<f4", "<f8"),
            Gen.Long[0, long.MaxValue / 16],
            Gen.Long[1, 100_000].Array[0, 1]);
        gen.Sample((descr, rows, columns) =>
        {
            long[] shape = [rows, .. columns];
            byte[] header = NpyFormat.Header(descr, shape);
            byte[] file = [.. header, 1, 2, 3];

            var (readDescr, readShape, offset) = NpyFormat.ReadHeader(file, "x.npy");

            Assert.Equal(0, header.Length % 64);
            Assert.Equal((byte)'\n', header[^1]);
            Assert.Equal(descr, readDescr);
            Assert.Equal(shape, readShape);
            Assert.Equal(header.Length, offset);
        }, iter: 500);
    }

    [Fact]
    public void Reading_a_file_that_is_not_npy_fails_with_its_name()
    {
        var error = Assert.Throws<FormatException>(() => NpyFormat.ReadHeader("item_id,category\n"u8, "products.csv"));

        Assert.Contains("products.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fortran_order_header_is_refused()
    {
        byte[] header = NpyFormat.Header("<f4", 2, 3);
        string text = Encoding.ASCII.GetString(header).Replace("False", "True ", StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => NpyFormat.ReadHeader(Encoding.Latin1.GetBytes(text), "f.npy"));
    }
}

using System.Buffers.Binary;
using RecSynth.Files.Internals;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>EmbeddingsReader returns any row of a float32 or float64 matrix, and refuses what is not one.</summary>
public sealed class EmbeddingsReaderTests
{
    [Theory]
    [InlineData("<f4", 4)]
    [InlineData("<f8", 8)]
    public void Any_row_reads_back_as_written(string descr, int itemBytes)
    {
        using var temp = new TempDirectory("npy-rows");
        const int Rows = 37, Columns = 5;
        string path = temp.File("m.npy");
        byte[] header = NpyFormat.Header(descr, Rows, Columns);
        var file = new byte[header.Length + Rows * Columns * itemBytes];
        header.CopyTo(file, 0);
        double Value(int r, int c) => r * 10 + c + 0.5;
        for (int i = 0; i < Rows * Columns; i++)
        {
            var at = file.AsSpan(header.Length + i * itemBytes);
            if (itemBytes == 4)
            {
                BinaryPrimitives.WriteSingleLittleEndian(at, (float)Value(i / Columns, i % Columns));
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(at, Value(i / Columns, i % Columns));
            }
        }

        File.WriteAllBytes(path, file);
        using var reader = EmbeddingsReader.OpenFile(path);
        var row = new double[Columns];

        Assert.Equal((Rows, Columns), (reader.Rows, reader.Dimensions));
        foreach (int r in new[] { 36, 0, 17 })
        {
            reader.ReadRow(r, row);
            Assert.Equal(Enumerable.Range(0, Columns).Select(c => Value(r, c)), row);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadRow(Rows, row));
    }

    [Fact]
    public void A_1d_array_another_dtype_or_a_truncated_file_is_refused()
    {
        using var temp = new TempDirectory("npy-rows-bad");
        void Write(string name, byte[] header, int dataBytes) => File.WriteAllBytes(temp.File(name), [.. header, .. new byte[dataBytes]]);
        Write("vector.npy", NpyFormat.Header("<f4", 8), 32);
        Write("ints.npy", NpyFormat.Header("<i8", 2, 2), 32);
        Write("short.npy", NpyFormat.Header("<f4", 4, 4), 60);

        Assert.Contains("shape (8) is not (products, dimensions)", Assert.Throws<FormatException>(() => EmbeddingsReader.OpenFile(temp.File("vector.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("dtype <i8", Assert.Throws<FormatException>(() => EmbeddingsReader.OpenFile(temp.File("ints.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("shape (4, 4) needs", Assert.Throws<FormatException>(() => EmbeddingsReader.OpenFile(temp.File("short.npy"))).Message, StringComparison.Ordinal);
    }
}

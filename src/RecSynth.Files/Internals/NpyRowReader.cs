using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace RecSynth.Files.Internals;

/// <summary>
/// Random access to the rows of a 2-D little-endian <c>float32</c> or <c>float64</c> <c>.npy</c> file (as written by
/// the catalogue stage), without loading the whole matrix.
/// </summary>
internal sealed class NpyRowReader : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly int _dataOffset;
    private readonly int _itemBytes;
    private readonly byte[] _row;

    private NpyRowReader(SafeFileHandle file, long rows, int columns, int dataOffset, int itemBytes)
    {
        _file = file;
        Rows = rows;
        Columns = columns;
        _dataOffset = dataOffset;
        _itemBytes = itemBytes;
        _row = new byte[columns * itemBytes];
    }

    public long Rows { get; }

    public int Columns { get; }

    /// <exception cref="FormatException">Not a 2-D &lt;f4 or &lt;f8 .npy file, or shorter than its header says.</exception>
    public static NpyRowReader Open(string path)
    {
        string name = Path.GetFileName(path);
        var file = File.OpenHandle(path);
        try
        {
            var head = new byte[(int)Math.Min(RandomAccess.GetLength(file), 12 + ushort.MaxValue + 1)];
            int read = RandomAccess.Read(file, head, 0);
            var (descr, shape, offset) = NpyFormat.ReadHeader(head.AsSpan(0, read), name);
            int itemBytes = descr switch
            {
                "<f4" => 4,
                "<f8" => 8,
                _ => throw new FormatException($"{name}: dtype {descr} is not supported (float32 or float64 expected)"),
            };
            if (shape.Length != 2 || shape[1] is < 1 or > 1 << 20)
            {
                throw new FormatException($"{name}: a 2-D array (rows, columns) expected, found shape ({string.Join(", ", shape)})");
            }

            if (RandomAccess.GetLength(file) < offset + shape[0] * shape[1] * itemBytes)
            {
                throw new FormatException($"{name}: shorter than its header's shape ({shape[0]}, {shape[1]}) says");
            }

            return new NpyRowReader(file, shape[0], (int)shape[1], offset, itemBytes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads row <paramref name="row"/> into <paramref name="destination"/> (length <see cref="Columns"/>).</summary>
    public void ReadRow(long row, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        RandomAccess.Read(_file, _row, _dataOffset + row * _row.Length);
        for (int i = 0; i < Columns; i++)
        {
            destination[i] = _itemBytes == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(_row.AsSpan(4 * i))
                : BinaryPrimitives.ReadDoubleLittleEndian(_row.AsSpan(8 * i));
        }
    }

    public void Dispose() => _file.Dispose();
}

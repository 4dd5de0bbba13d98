using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// Random access to the rows of <c>embeddings.npy</c> (<c>float32</c> or <c>float64</c>, C order, two dimensions)
/// without loading the file. Thread-safe: rows are read with positional reads.
/// </summary>
public sealed class EmbeddingsReader : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly long _dataOffset;
    private readonly int _elementBytes;

    private EmbeddingsReader(SafeFileHandle file, long rows, int dimensions, long dataOffset, int elementBytes)
    {
        _file = file;
        Rows = rows;
        Dimensions = dimensions;
        _dataOffset = dataOffset;
        _elementBytes = elementBytes;
    }

    /// <summary>Rows (products).</summary>
    public long Rows { get; }

    /// <summary>Values per row.</summary>
    public int Dimensions { get; }

    /// <summary>Opens <c>embeddings.npy</c> in <paramref name="directory"/> and checks its header and length.</summary>
    /// <exception cref="DatasetUsageException">The file is missing, not a 2-D float array, or truncated.</exception>
    public static EmbeddingsReader Open(string directory)
    {
        string path = Path.Combine(directory, DatasetReader.EmbeddingsFile);
        if (!File.Exists(path))
        {
            throw new DatasetUsageException($"{path} does not exist: not a complete RecSynth dataset (generate one with `recsynth generate`)");
        }

        try
        {
            return OpenFile(path);
        }
        catch (FormatException e)
        {
            throw new DatasetUsageException(e.Message, e);
        }
    }

    /// <summary>Opens any 2-D float32 or float64 <c>.npy</c> file.</summary>
    /// <exception cref="FormatException">Not a 2-D float array, or not the length its header says.</exception>
    public static EmbeddingsReader OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        var file = File.OpenHandle(path);
        try
        {
            long length = RandomAccess.GetLength(file);
            var head = new byte[(int)Math.Min(length, 65_536)];
            RandomAccess.Read(file, head, 0);
            (string descr, long[] shape, int offset) = NpyFormat.ReadHeader(head, name);
            int elementBytes = descr switch
            {
                "<f4" => 4,
                "<f8" => 8,
                _ => throw new FormatException($"{name}: dtype {descr} is not float32 (<f4) or float64 (<f8)"),
            };
            if (shape.Length != 2 || shape[1] is < 1 or > 1_000_000)
            {
                throw new FormatException($"{name}: shape ({string.Join(", ", shape)}) is not (products, dimensions)");
            }

            long expected = offset + shape[0] * shape[1] * elementBytes;
            if (length != expected)
            {
                throw new FormatException($"{name}: {length:N0} bytes, but its header's shape ({shape[0]}, {shape[1]}) needs {expected:N0}");
            }

            return new EmbeddingsReader(file, shape[0], (int)shape[1], offset, elementBytes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads row <paramref name="index"/> into <paramref name="destination"/> (length <see cref="Dimensions"/>).</summary>
    public void ReadRow(long index, Span<float> destination) => Decode(index, destination);

    /// <summary>Reads row <paramref name="index"/> as doubles (exact for both dtypes).</summary>
    public void ReadRow(long index, Span<double> destination) => Decode(index, destination);

    private void Decode<T>(long index, Span<T> destination)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Dimensions);
        var buffer = Read(index, stackalloc byte[Math.Min(8192, Dimensions * _elementBytes)]);
        for (int i = 0; i < Dimensions; i++)
        {
            destination[i] = _elementBytes == 4
                ? T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(buffer[(4 * i)..]))
                : T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(buffer[(8 * i)..]));
        }
    }

    /// <summary>The bytes of row <paramref name="index"/>, in <paramref name="scratch"/> when it is large enough.</summary>
    private ReadOnlySpan<byte> Read(long index, Span<byte> scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Rows);
        int bytes = Dimensions * _elementBytes;
        var buffer = bytes <= scratch.Length ? scratch[..bytes] : new byte[bytes];
        RandomAccess.Read(_file, buffer, _dataOffset + index * bytes);
        return buffer;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}

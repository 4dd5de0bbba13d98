using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace RecSynth.Files.Internals;

/// <summary>
/// A file of the staging folder written front to back as its rows become known, hashed as it goes. The bytes gather in
/// an aligned buffer that is written whole, past the page cache where the system allows (<see cref="DirectWrites"/>);
/// the last, partial buffer is written through the page cache.
/// </summary>
internal sealed class StreamedFile : IDisposable
{
    private const int BufferBytes = 4 << 20; // a multiple of DirectWrites.Alignment
    private readonly SafeFileHandle _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Memory<byte> _buffer; // aligned, in a pinned array
    private int _buffered;
    private long _written; // bytes in the file
    private bool _direct;

    /// <summary>A new file with <paramref name="header"/>; <paramref name="direct"/> false: through the page cache whatever the system allows.</summary>
    public StreamedFile(string path, ReadOnlySpan<byte> header, bool direct = true)
    {
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var pinned = GC.AllocateUninitializedArray<byte>(BufferBytes + DirectWrites.Alignment, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
        _buffer = pinned.AsMemory((int)((DirectWrites.Alignment - address % DirectWrites.Alignment) % DirectWrites.Alignment), BufferBytes);
        _direct = direct && DirectWrites.TrySet(_file, on: true);
        Write(header, rows: 0);
    }

    public long Rows { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Whether the file is being written past the page cache (tests).</summary>
    internal bool Direct => _direct;

    public void Write(ReadOnlySpan<byte> data, long rows)
    {
        _hash.AppendData(data);
        Bytes += data.Length;
        Rows += rows;
        while (!data.IsEmpty)
        {
            int take = Math.Min(data.Length, BufferBytes - _buffered);
            data[..take].CopyTo(_buffer.Span[_buffered..]);
            _buffered += take;
            data = data[take..];
            if (_buffered == BufferBytes)
            {
                Flush();
            }
        }
    }

    public ManifestFile Complete(string stage)
    {
        // The tail is not a whole number of blocks: through the page cache.
        if (_direct && _buffered % DirectWrites.Alignment != 0)
        {
            _direct = !DirectWrites.TrySet(_file, on: false);
        }

        Flush();
        return new ManifestFile { Stage = stage, Rows = Rows, Bytes = Bytes, Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset()) };
    }

    private void Flush()
    {
        ReadOnlySpan<byte> bytes = _buffer.Span[.._buffered];
        try
        {
            RandomAccess.Write(_file, bytes, _written);
        }
        catch (IOException) when (_direct)
        {
            // A file system that took the flag but not the write (it may refuse direct writes of some sizes): the rest
            // of the file goes through the page cache.
            _direct = false;
            if (!DirectWrites.TrySet(_file, on: false))
            {
                throw;
            }

            RandomAccess.Write(_file, bytes, _written);
        }

        _written += _buffered;
        _buffered = 0;
    }

    public void Dispose()
    {
        _file.Dispose();
        _hash.Dispose();
    }
}

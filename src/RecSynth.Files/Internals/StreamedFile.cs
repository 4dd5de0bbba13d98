using System.Security.Cryptography;

namespace RecSynth.Files.Internals;

/// <summary>A file of the staging folder written front to back as its rows become known, hashed as it goes.</summary>
internal sealed class StreamedFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public StreamedFile(string path, ReadOnlySpan<byte> header)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        Write(header, rows: 0);
    }

    public long Rows { get; private set; }

    public long Bytes { get; private set; }

    public void Write(ReadOnlySpan<byte> data, long rows)
    {
        _stream.Write(data);
        _hash.AppendData(data);
        Bytes += data.Length;
        Rows += rows;
    }

    public ManifestFile Complete(string stage)
    {
        _stream.Flush();
        return new ManifestFile { Stage = stage, Rows = Rows, Bytes = Bytes, Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset()) };
    }

    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
    }
}

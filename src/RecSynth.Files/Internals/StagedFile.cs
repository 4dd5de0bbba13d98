using System.Buffers;
using System.Security.Cryptography;

namespace RecSynth.Files.Internals;

/// <summary>
/// Writes one dataset file into the staging folder from chunks produced in parallel (in order), hashing as it
/// goes, and reports progress per chunk.
/// </summary>
internal static class StagedFile
{
    public static ManifestFile Write(
        string path,
        string stage,
        ReadOnlySpan<byte> header,
        long rows,
        int rowsPerChunk,
        int threads,
        Action<long, int, ArrayBufferWriter<byte>> produce,
        IProgress<GenerationProgress>? progress,
        CancellationToken cancellationToken,
        long sizeHint = 0)
    {
        string name = Path.GetFileName(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0, PreallocationSize = sizeHint }))
        {
            stream.Write(header);
            hash.AppendData(header);
            bytes += header.Length;
            int chunks = (int)((rows + rowsPerChunk - 1) / rowsPerChunk);
            progress?.Report(new GenerationProgress(name, 0, rows));
            OrderedPipeline.Run(
                chunks,
                threads,
                (chunk, buffer) =>
                {
                    long first = (long)chunk * rowsPerChunk;
                    produce(first, (int)Math.Min(rowsPerChunk, rows - first), buffer);
                },
                (chunk, data) =>
                {
                    stream.Write(data);
                    bytes += data.Length;
                    progress?.Report(new GenerationProgress(name, Math.Min(rows, (long)(chunk + 1) * rowsPerChunk), rows));
                },
                data => hash.AppendData(data), // on its own thread: hashing and writing are the critical path of a large file
                cancellationToken);
        }

        return new ManifestFile { Stage = stage, Rows = rows, Bytes = bytes, Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) };
    }
}

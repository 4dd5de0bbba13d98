using System.Security.Cryptography;
using System.Text;
using RecSynth.Simulation;

namespace RecSynth.Files.Internals;

/// <summary>
/// A folder that keeps the catalogue-side work of the built-in sources (<see cref="ISourceCache"/>) for the shards of
/// one dataset: the first saves it, the others load it. A file is named by a hash of its key and the catalogue (named
/// by the caller), which it also holds in its header with its length, and is written to a temporary name and moved in,
/// so runs at the same time never read half a file. A file that is missing, of another key, or cut short is not
/// served (the source is built again, and the file written over).
/// </summary>
internal sealed class SourceFolder(string folder, string catalogue) : ISourceCache
{
    private static readonly byte[] Magic = "RSSRC1\n"u8.ToArray();

    public string Folder { get; } = folder;

    /// <summary>The content saved under <paramref name="key"/>, when a file holds it whole; else null.</summary>
    public byte[]? Load(string key)
    {
        string path = PathOf(key);
        key = Scoped(key);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadString() != key)
            {
                return null;
            }

            long count = reader.ReadInt64();
            if (count < 0 || count != stream.Length - stream.Position)
            {
                return null;
            }

            var content = new byte[count];
            stream.ReadExactly(content);
            return content;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException)
        {
            return null; // missing or unreadable: built again
        }
    }

    /// <summary>Saves <paramref name="content"/> under <paramref name="key"/> (best effort: a run that cannot write its cache still runs).</summary>
    public void Save(string key, ReadOnlySpan<byte> content)
    {
        string path = PathOf(key);
        key = Scoped(key);
        string temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp"; // one writer per process and thread
        try
        {
            Directory.CreateDirectory(Folder);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(key);
                writer.Write((long)content.Length);
                writer.Flush();
                stream.Write(content);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the cache is an optimisation.
            }
        }
    }

    /// <summary>The key with the catalogue: what a file's header holds and its name hashes.</summary>
    private string Scoped(string key) => $"{key} catalogue={catalogue}";

    /// <summary>The file of a key: its first word (what it holds), and a hash of the key and the catalogue.</summary>
    private string PathOf(string key)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Scoped(key))))[..16];
        int space = key.IndexOf(' ', StringComparison.Ordinal);
        return Path.Combine(Folder, $"{(space > 0 ? key[..space] : "source")}-{hash}.bin");
    }
}

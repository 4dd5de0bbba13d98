using System.Security.Cryptography;
using RecSynth.Files.Internals;

namespace RecSynth.Files.Tests;

/// <summary>
/// The tables' writer: its bytes gather in an aligned buffer written whole, past the page cache where Linux allows it,
/// and the last partial buffer through the page cache. Whatever the route, the file holds exactly what was written, and
/// the manifest's hash and counts are those of the bytes.
/// </summary>
public sealed class StreamedFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recsynth-streamed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(0)] // the header alone: a tail shorter than a block
    [InlineData(4096 - 6)] // with the header, exactly one block
    [InlineData((4 << 20) - 6)] // exactly one buffer
    [InlineData(9_500_013)] // two whole buffers and an unaligned tail
    public void The_file_holds_the_bytes_written_in_order_and_the_manifest_their_hash(int bodyBytes)
    {
        byte[] header = "a,b,c\n"u8.ToArray();
        var random = new Random(bodyBytes);
        var body = new byte[bodyBytes];
        random.NextBytes(body);
        foreach (bool direct in new[] { true, false })
        {
            string path = Path.Combine(_folder, $"table-{direct}.csv");
            ManifestFile entry;
            using (var file = new StreamedFile(path, header, direct))
            {
                // Pieces of uneven sizes (some larger than the buffer), as the formatter's chunks come.
                int at = 0, piece = 1;
                while (at < body.Length)
                {
                    int take = Math.Min(body.Length - at, piece);
                    file.Write(body.AsSpan(at, take), rows: 1);
                    at += take;
                    piece = piece * 7 % 5_000_011 + 1;
                }

                if (!direct)
                {
                    Assert.False(file.Direct);
                }

                entry = file.Complete("behaviour");
            }

            byte[] expected = [.. header, .. body];
            byte[] written = File.ReadAllBytes(path);
            Assert.Equal(expected.Length, written.Length);
            Assert.True(expected.AsSpan().SequenceEqual(written), $"direct={direct}: the file differs from the bytes written");
            Assert.Equal(expected.Length, entry.Bytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), entry.Sha256);
        }
    }

    [Fact]
    public void On_linux_a_file_on_a_disk_is_written_past_the_page_cache()
    {
        // The disk file systems below take O_DIRECT set with fcntl; elsewhere (overlay, network and FUSE file systems)
        // the writer must fall back without failing, which the theory above covers.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "O_DIRECT is Linux's");
        string type = FileSystemType(_folder);
        Assert.SkipUnless(type is "ext4" or "xfs" or "btrfs", $"the temporary folder is on {type}");
        using var file = new StreamedFile(Path.Combine(_folder, "direct.csv"), "x\n"u8);
        Assert.True(file.Direct, $"a file on {type} is written through the page cache");
    }

    /// <summary>The type of the file system <paramref name="folder"/> is on: the mount with the longest matching path.</summary>
    private static string FileSystemType(string folder)
    {
        string best = "", type = "unknown";
        foreach (string line in File.ReadLines("/proc/self/mounts"))
        {
            string[] fields = line.Split(' ');
            string mount = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
            bool under = folder == mount || folder.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (under && mount.Length >= best.Length)
            {
                (best, type) = (mount, fields[2]);
            }
        }

        return type;
    }
}

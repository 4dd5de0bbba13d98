using RecSynth.Files.Internals;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>The shards' cache of the catalogue-side work: a file is served only whole, under its key and catalogue.</summary>
public sealed class SourceFolderTests
{
    [Fact]
    public void A_file_is_served_only_whole_and_for_its_key_and_catalogue()
    {
        using var temp = new TempDirectory("source-folder");
        string folder = temp.Sub("sources");
        byte[] content = [.. Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7))];
        new SourceFolder(folder, "catalogue A").Save("image-neighbours seed=1", content);

        Assert.Equal(content, new SourceFolder(folder, "catalogue A").Load("image-neighbours seed=1"));
        Assert.Null(new SourceFolder(folder, "catalogue B").Load("image-neighbours seed=1"));
        Assert.Null(new SourceFolder(folder, "catalogue A").Load("image-neighbours seed=2"));
        string file = Assert.Single(Directory.GetFiles(folder)); // no temporary file left
        Assert.StartsWith("image-neighbours-", Path.GetFileName(file), StringComparison.Ordinal);

        // Cut short (a killed writer, a full disk): not served; saved again, served again.
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length - 1);
        }

        Assert.Null(new SourceFolder(folder, "catalogue A").Load("image-neighbours seed=1"));
        new SourceFolder(folder, "catalogue A").Save("image-neighbours seed=1", content);
        Assert.Equal(content, new SourceFolder(folder, "catalogue A").Load("image-neighbours seed=1"));

        // A folder that cannot be written: the run goes on without its cache.
        string blocked = Path.Combine(temp.Sub("blocked"), "file");
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "not a folder");
        new SourceFolder(blocked, "catalogue A").Save("cf-pools", content);
        Assert.Null(new SourceFolder(blocked, "catalogue A").Load("cf-pools"));
    }
}

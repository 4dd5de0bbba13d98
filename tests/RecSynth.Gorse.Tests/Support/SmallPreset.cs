using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Testing;

[assembly: AssemblyFixture(typeof(RecSynth.Gorse.Tests.SmallPreset))]

namespace RecSynth.Gorse.Tests;

/// <summary>
/// The `small` preset at full size (10,000 products, 5,000 users, a year: about 600,000 interactions, 440,000 feedback
/// rows), generated once for the run when a test first asks for it; tests only read it.
/// </summary>
public sealed class SmallPreset : IDisposable
{
    private readonly TempDirectory _root = new("gorse-small-preset");
    private readonly Lazy<string> _folder;

    public SmallPreset() => _folder = new(() =>
    {
        string folder = _root.Sub("small");
        DatasetGenerator.Generate(new RecSynthOptions().WithPreset(Preset.Small).EnsureValid(), new GenerateOptions { Directory = folder, Threads = 2 }, cancellationToken: CancellationToken.None);
        return folder;
    });

    public string Folder => _folder.Value;

    public void Dispose() => _root.Dispose();
}

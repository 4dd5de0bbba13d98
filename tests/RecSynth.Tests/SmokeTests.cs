using RecSynth.Catalog;
using RecSynth.Configuration;

namespace RecSynth.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void The_seed_preset_has_the_original_sizes()
    {
        var options = RecSynthOptions.FromPreset(Preset.Seed);
        var catalog = ProductCatalog.Generate(options, TestContext.Current.CancellationToken);
        Assert.Equal(1_000, catalog.Items.Length);
    }
}

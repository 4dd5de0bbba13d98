using RecSynth.Catalog;
using RecSynth.Configuration;

namespace RecSynth.Tests.Support;

/// <summary>
/// 100,000 products of the default scenario (seed 42), generated once per test class that uses it.
/// At 100,000 draws a share has a standard error of at most 0.0016, a log-scale median about 0.3 %.
/// </summary>
public sealed class CatalogSample
{
    public const int Count = 100_000;

    public CatalogSample()
    {
        Options = Scenario.Defaults(products: Count);
        Catalog = ProductCatalog.Generate(Options, TestContext.Current.CancellationToken);
        Items = Catalog.Items.ToArray();
    }

    public RecSynthOptions Options { get; }

    public ProductCatalog Catalog { get; }

    public Item[] Items { get; }
}

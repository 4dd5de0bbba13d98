using RecSynth.Configuration;
using RecSynth.Testing;

[assembly: AssemblyFixture(typeof(RecSynth.Files.Tests.GeneratedDatasets))]

namespace RecSynth.Files.Tests;

/// <summary>Datasets generated once for the test run and shared by the tests that only read them.</summary>
public sealed class GeneratedDatasets : IDisposable
{
    private readonly TempDirectory _root = new("datasets");
    private readonly Lazy<Dataset> _default;
    private readonly Lazy<Dataset> _float64;
    private readonly Lazy<Dataset> _awkwardNames;

    public GeneratedDatasets()
    {
        _default = new(() => Generate("default", TestOptions.Dataset(3_000, 1_000) with { Factors = new FactorOptions { Write = true } }, DatasetStage.All));
        _float64 = new(() => Generate("float64", TestOptions.Dataset(3_000, 1_000) with { Embedding = new EmbeddingOptions { Dtype = EmbeddingDType.Float64 } }, DatasetStage.Catalog));
        _awkwardNames = new(() => Generate("awkward", AwkwardVocabulary.Options, DatasetStage.Catalog, DatasetStage.Users));
    }

    /// <summary>
    /// The default scenario at 3,000 products and 1,000 users, with the factor files: every stage, with two weeks of
    /// behaviour.
    /// </summary>
    public Dataset Default => _default.Value;

    /// <summary>The catalogue of <see cref="Default"/> with float64 embeddings.</summary>
    public Dataset Float64 => _float64.Value;

    /// <summary>
    /// A vocabulary whose names hold commas, quotes, backslashes and non-ASCII letters: the catalogue and the users,
    /// written by two stages into one folder.
    /// </summary>
    public Dataset AwkwardNames => _awkwardNames.Value;

    public void Dispose() => _root.Dispose();

    private Dataset Generate(string name, RecSynthOptions options, params DatasetStage[] stages)
    {
        string folder = _root.Sub(name);
        DatasetManifest manifest = null!;
        foreach (var stage in stages)
        {
            manifest = DatasetGenerator.Generate(options, TestOptions.Output(folder, threads: 2, stage: stage), cancellationToken: CancellationToken.None);
        }

        return new Dataset(folder, options, manifest);
    }
}

public sealed record Dataset(string Folder, RecSynthOptions Options, DatasetManifest Manifest)
{
    public string File(string name) => Path.Combine(Folder, name);
}

/// <summary>Names that need CSV quoting, JSON escaping or UTF-8, in every vocabulary that reaches a CSV.</summary>
internal static class AwkwardVocabulary
{
    public static RecSynthOptions Options { get; } = TestOptions.Small(2_000, 600) with
    {
        Catalog = new CatalogOptions
        {
            Count = 2_000,
            Categories =
            [
                new("Hats, Caps & \"Toppers\"", 1, 1, ["Béret", "Cap, flat", "Top \"Hat\""]),
                new("Über", 1, 2, ["Ärmel\\los", "Zoë's \"Best\", really"]),
                new("Plain", 1, 1, ["Simple"]),
            ],
            Colors = [new("Rot, dunkel", 1), new("Blau \"Royal\"", 1), new("Grün", 1), new("黒", 1), new("Back\\slash", 1), new("Plain", 1)],
            Patterns = [new("Solid", 1), new("Dots, big", 1), new("\"Karo\"", 1)],
            Materials = [new("Cotton", 1), new("Seide", 1), new("Wolle, fein", 1), new("Lein\"en", 1)],
            Brands = [new("A, B & C", 1, 2), new("Q\"uote", 1, 0.5), new("Levi's", 1, 1), new("Ünïcode", 1, 1.5), new("<tag> & 'more'", 1, 1)],
            Conditions = [new("Neu", 1, 1.5), new("Alt, aber \"gut\"", 1, 0.5)],
            Sizes = [new("Einheitsgröße", 1), new("XL, long", 1)],
            Styles = [new("Casual", 1), new("Sporty, \"fast\"", 1), new("Ästhetisch", 1)],
        },
        Users = new UserOptions
        {
            Count = 600,
            AgeGroups = [new("young, very", 1), new("\"old\"", 1), new("mittel", 1)],
        },

        // The appeal of each condition names the conditions of this catalogue (the defaults name the default ones).
        Behaviour = new BehaviourOptions
        {
            Response = new ResponseOptions { ConditionAppeal = [new("Neu", -0.25), new("Alt, aber \"gut\"", 0.5)] },
        },
    };
}

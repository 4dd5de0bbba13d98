using RecSynth.Internals;

namespace RecSynth.Configuration;

/// <summary>
/// Everything that determines a dataset. Same options (including <see cref="Seed"/>) give the same
/// bytes, whatever the number of threads. Every default is the default scenario of docs/design.md.
/// </summary>
public sealed record RecSynthOptions
{
    /// <summary>Seed of every random stream.</summary>
    [Knob("seed of every random stream: the same config and seed give byte-identical files", Min = 0)]
    public long Seed { get; init; } = 42;

    /// <summary>The simulated period.</summary>
    public TimeWindowOptions Time { get; init; } = new();

    /// <summary>The catalogue.</summary>
    public CatalogOptions Catalog { get; init; } = new();

    /// <summary>The users.</summary>
    public UserOptions Users { get; init; } = new();

    /// <summary>Image embeddings.</summary>
    public EmbeddingOptions Embedding { get; init; } = new();

    /// <summary>Hidden collaborative factors.</summary>
    public FactorOptions Factors { get; init; } = new();

    /// <summary>Behaviour: sessions, slates, responses.</summary>
    public BehaviourOptions Behaviour { get; init; } = new();

    /// <summary>The defaults with a preset's sizes.</summary>
    public static RecSynthOptions FromPreset(Preset preset) => new RecSynthOptions().WithPreset(preset);

    /// <summary>These options with a preset's sizes.</summary>
    public RecSynthOptions WithPreset(Preset preset)
    {
        var (products, users) = Presets.Sizes(preset);
        return this with { Catalog = Catalog with { Count = products }, Users = Users with { Count = users } };
    }

    /// <summary>Every problem with these options (empty when valid).</summary>
    public IReadOnlyList<OptionProblem> Validate() => OptionsValidator.Validate(this);

    /// <summary>
    /// What only a simulation needs on top of <see cref="Validate"/>: it holds the embeddings and factors in single
    /// arrays, so their sizes must fit one.
    /// </summary>
    public IReadOnlyList<OptionProblem> ValidateForSimulation() => OptionsValidator.ValidateForBehaviour(this);

    /// <summary>Throws <see cref="OptionsException"/> listing every problem, or returns these options.</summary>
    public RecSynthOptions EnsureValid()
    {
        var problems = Validate();
        return problems.Count == 0 ? this : throw new OptionsException(problems);
    }
}

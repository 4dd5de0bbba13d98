using RecSynth.Bandits;

namespace RecSynth.Simulation;

/// <summary>
/// What fills a session's slate: the generator's own sources (<see cref="Oracle"/>), a CF model learned from the run's
/// own log (<see cref="Learned"/>), or a recommender outside the simulator (<see cref="Service"/>, e.g. a Gorse server).
/// </summary>
public abstract class SlateSource
{
    private protected SlateSource()
    {
    }

    /// <summary>CF ranks by the hidden factors and popularity with per-session noise; images by embedding similarity to the user's recent likes.</summary>
    public static SlateSource Oracle { get; } = new Builtin(learned: false);

    /// <summary>CF from an implicit-feedback matrix factorisation retrained daily on the run's log; images as for the oracle.</summary>
    public static SlateSource Learned { get; } = new Builtin(learned: true);

    /// <summary>Whether the run must step day by day for this source (a learned model or a service learns between days).</summary>
    internal abstract bool Daily { get; }

    /// <summary>An outside recommender fills both sources.</summary>
    public static SlateSource Service(ISlateService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new Outside(service);
    }

    internal sealed class Builtin(bool learned) : SlateSource
    {
        public bool IsLearned { get; } = learned;

        internal override bool Daily => IsLearned;
    }

    internal sealed class Outside(ISlateService service) : SlateSource
    {
        public ISlateService Server { get; } = service;

        internal override bool Daily => true;
    }
}

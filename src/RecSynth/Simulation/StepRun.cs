using System.Collections.Immutable;
using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>The run a step policy is about to take part in (the protocol's <c>hello</c>).</summary>
public sealed record StepRun
{
    /// <summary>The world simulated: its products and users (their observable attributes are the policy's to see).</summary>
    public required SimulationWorld World { get; init; }

    /// <summary>Whether the policy chooses arms or slates.</summary>
    public required StepMode Mode { get; init; }

    /// <summary>The arms it may choose among (slate mode: the blend levels, for the optional arm of a slate).</summary>
    public required ImmutableArray<Arm> Arms { get; init; }

    /// <summary>Products per slate (at most).</summary>
    public required int SlateSize { get; init; }

    /// <summary>The steps' length.</summary>
    public required StepLength Step { get; init; }

    /// <summary>The period's start (Unix seconds, UTC).</summary>
    public required long Start { get; init; }

    /// <summary>The period's end (Unix seconds, exclusive).</summary>
    public required long End { get; init; }

    /// <summary>The run's seed.</summary>
    public required long Seed { get; init; }

    /// <summary>A folder holding the run's products.csv, embeddings.npy and users.csv, when there is one.</summary>
    public string? Dataset { get; init; }
}

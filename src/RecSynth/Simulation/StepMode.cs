using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>What a step policy chooses: an arm for each session, or each session's whole slate.</summary>
public enum StepMode
{
    /// <summary>An arm (a blend of CF and image recommendations); RecSynth fills the slate at that blend.</summary>
    Arm,

    /// <summary>The slate itself: which products, in which order, from which source.</summary>
    Slate,
}

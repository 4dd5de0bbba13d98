using System.Collections.Immutable;
using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>
/// A step policy's choice for one session: the arm served and the probability with which it was chosen; in slate mode
/// the slate too (the arm then optional: null).
/// </summary>
/// <param name="Arm">The arm; null in slate mode when the policy names none.</param>
/// <param name="Propensity">The probability of the choice, in (0, 1]; in slate mode without an arm, 1.</param>
/// <param name="Slate">Slate mode: the products, in display order; default otherwise.</param>
public readonly record struct StepChoice(Arm? Arm, double Propensity, ImmutableArray<SlateEntry> Slate = default);

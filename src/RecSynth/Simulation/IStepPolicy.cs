using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>
/// A policy that chooses a whole step's sessions at once and learns only between steps: a production bandit that
/// updates in batches, and the shape of a policy outside RecSynth (docs/outside-policies.md). Before each step
/// (<see cref="StepLength"/>) the engine asks it to <see cref="Choose"/> for every session that starts in the step, in
/// start order; after the step it hands it the step's records (<see cref="Outcomes"/>). Calls come one at a time, on one
/// thread. A policy that throws stops the run with its exception.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The names of the protocol's messages and steps (docs/outside-policies.md); no Visual Basic callers.")]
public interface IStepPolicy
{
    /// <summary>Before the first step: what the run is. Returns the policy's name, as tables and reports show it.</summary>
    string Begin(StepRun run);

    /// <summary>
    /// Fills <paramref name="choices"/>[i] for <paramref name="sessions"/>[i], every session of the step (start order:
    /// by time, then session id). In <see cref="StepMode.Arm"/> each choice names one of the run's arms with its
    /// propensity in (0, 1]; in <see cref="StepMode.Slate"/> each holds the slate itself.
    /// </summary>
    void Choose(PolicyStep step, ReadOnlySpan<PlannedSession> sessions, Span<StepChoice> choices);

    /// <summary>
    /// After the step, before the next <see cref="Choose"/>: its sessions (start order) and their interactions (by
    /// session, then position, then type — the order of the session's events).
    /// </summary>
    void Outcomes(PolicyStep step, ReadOnlySpan<SessionRecord> sessions, ReadOnlySpan<InteractionRecord> interactions);

    /// <summary>After the last step (not called when the run stops on an error or is cancelled).</summary>
    void End();
}

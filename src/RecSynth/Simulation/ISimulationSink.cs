using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>
/// Receives a run's records: each finished block, in file order (interactions by time, session, position and type;
/// sessions by start and id), from a thread of its own, one block at a time, while the simulation goes on.
/// </summary>
public interface ISimulationSink
{
    /// <summary>A finished block of records; its memory is reused once this returns.</summary>
    void Write(RecordBlock block);

    /// <summary>After each simulated day of a run that steps day by day, once the policy has learned from it, alone.</summary>
    void DayEnded(int day)
    {
    }
}

/// <summary>A finished block of a run's records: one simulated week.</summary>
/// <param name="Week">The week, 0-based from the period's start.</param>
/// <param name="Interactions">Its interactions, in file order (valid until <see cref="ISimulationSink.Write"/> returns).</param>
/// <param name="Sessions">Its sessions, in file order.</param>
/// <param name="SimulationRunning">Whether the simulation is still running alongside (the sink shares the machine) or done.</param>
public readonly record struct RecordBlock(int Week, ReadOnlyMemory<InteractionRecord> Interactions, ReadOnlyMemory<SessionRecord> Sessions, bool SimulationRunning);

namespace RecSynth.Simulation;

/// <summary>A session about to start in a step.</summary>
/// <param name="SessionId">The session's id (as sessions.csv will write it).</param>
/// <param name="User">The user's index.</param>
/// <param name="Time">When it starts (Unix seconds).</param>
/// <param name="SessionsBefore">The user's sessions before this one, in this run.</param>
public readonly record struct PlannedSession(long SessionId, int User, long Time, int SessionsBefore);

namespace RecSynth.Simulation;

/// <summary>How long a step of a stepped run is: the batches in which a policy chooses and learns.</summary>
public enum StepLength
{
    /// <summary>A simulated day (UTC).</summary>
    Day,

    /// <summary>A simulated hour.</summary>
    Hour,
}

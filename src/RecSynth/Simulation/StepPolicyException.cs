namespace RecSynth.Simulation;

/// <summary>
/// A step policy broke the rules of a stepped run (docs/outside-policies.md): a choice outside its arms, a propensity
/// outside (0, 1], a slate that cannot be served. The message names the step and the session.
/// </summary>
public class StepPolicyException : Exception
{
    /// <summary>A problem of the policy's in step <paramref name="step"/> (null: before the first step or after the last).</summary>
    public StepPolicyException(string message, int? step = null, Exception? innerException = null)
        : base(message, innerException) => Step = step;

    /// <summary>Creates the exception with a message.</summary>
    public StepPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StepPolicyException()
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StepPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The step (0-based) in which the policy broke the rules; null when not in a step.</summary>
    public int? Step { get; }
}

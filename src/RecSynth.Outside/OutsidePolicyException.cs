using RecSynth.Simulation;

namespace RecSynth.Outside;

/// <summary>
/// An outside policy stopped the run: it answered <c>{"error":…}</c>, broke the protocol's rules, gave no answer in time,
/// exited, or its service refused a message. <see cref="Exception.Message"/> names the step (or the message, for
/// <c>hello</c> and <c>end</c>) and, where one is to blame, the session and the field, e.g.
/// <c>step 17, session 780000017: arm "0.3" is not one of cf, 0.25, 0.5, 0.75, image</c>. A
/// <see cref="StepPolicyException"/>, so that a run stops on it as on any step policy's broken rule; its
/// <see cref="StepPolicyException.Step"/> is null for <c>hello</c>, <c>end</c> and starting the policy.
/// </summary>
public sealed class OutsidePolicyException : StepPolicyException
{
    /// <summary>Creates the exception for a problem at <paramref name="step"/> (null: not at a step).</summary>
    public OutsidePolicyException(string message, int? step, Exception? innerException = null)
        : base(message, step, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutsidePolicyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutsidePolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutsidePolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

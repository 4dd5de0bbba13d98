namespace RecSynth.Examples.OutsidePolicy;

/// <summary>
/// A policy in arm mode. To write your own, derive from this: <see cref="Choose"/> is called for every session of a
/// step before any outcome of that step is known, and <see cref="Learn"/> for every outcome after the step.
/// </summary>
internal abstract class ArmPolicy(IReadOnlyList<string> arms)
{
    /// <summary>Hello's arms, in its order: a policy answers an index into this list.</summary>
    public IReadOnlyList<string> Arms { get; } = arms;

    /// <summary>The arm (an index into <see cref="Arms"/>) for a session, and the probability of choosing it, in (0, 1].</summary>
    public abstract int Choose(string userId, string sessionId, out double propensity);

    /// <summary>Whether it learns from outcomes; one that does not (fixed, uniform) is spared reading them.</summary>
    public virtual bool Learns => true;

    /// <summary>An outcome: the session's user got <paramref name="reward"/> (0 or 1) from arm <paramref name="arm"/>.</summary>
    public virtual void Learn(string userId, int arm, int reward)
    {
    }
}

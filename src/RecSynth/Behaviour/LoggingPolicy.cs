using System.Collections.Immutable;
using RecSynth.Simulation;

namespace RecSynth.Behaviour;

/// <summary>
/// A non-learning policy that chooses each session's arm at random with known propensities: the logging policy of
/// <c>generate</c> (<see cref="SessionPolicies.Logging"/>). (Learning policies are the bandits of the closed loop.)
/// </summary>
internal sealed class LoggingPolicy(string name, ImmutableArray<Arm> arms) : ISessionPolicy
{
    /// <summary>The policy as configured, e.g. "uniform" or "fixed:0.25".</summary>
    public string Name { get; } = name;

    /// <summary>The arms it chooses among, each with probability 1 / count.</summary>
    public ImmutableArray<Arm> Arms { get; } = arms;

    public bool Learns => false;

    public ArmChoice Choose(int user, ref PolicyRandom random) =>
        new(Arms.Length == 1 ? Arms[0] : Arms[random.Source.NextInt(Arms.Length)], 1.0 / Arms.Length);
}

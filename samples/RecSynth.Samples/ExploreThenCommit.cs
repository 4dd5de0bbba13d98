using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Simulation;

namespace RecSynth.Samples;

/// <summary>
/// A policy written outside RecSynth: each user gets every arm <c>tries</c> times (in turn), then the arm with the best
/// reward rate so far, for good. Deterministic, so each choice has propensity 1.
/// </summary>
internal sealed class ExploreThenCommit(int users, int tries) : ISessionPolicy
{
    private readonly int[] _pulls = new int[users * 2]; // [user × arm]
    private readonly int[] _rewards = new int[users * 2];

    public string Name => $"explore-then-commit:{tries}";

    public ImmutableArray<Arm> Arms { get; } = [Arm.Cf, Arm.Image];

    public bool Learns => true;

    public ArmChoice Choose(int user, ref PolicyRandom random)
    {
        int served = _pulls[2 * user] + _pulls[2 * user + 1];
        int arm = served < 2 * tries ? served % 2 : Math.Max(0, BestArm(user));
        return new ArmChoice(Arms[arm], 1);
    }

    public void Learn(int user, Arm arm, int reward)
    {
        int a = arm == Arm.Cf ? 0 : 1;
        _pulls[2 * user + a]++;
        _rewards[2 * user + a] += reward;
    }

    public int BestArm(int user)
    {
        if (_pulls[2 * user] + _pulls[2 * user + 1] == 0)
        {
            return -1;
        }

        double Rate(int a) => _pulls[2 * user + a] == 0 ? 0 : _rewards[2 * user + a] / (double)_pulls[2 * user + a];
        return Rate(1) > Rate(0) ? 1 : 0;
    }
}

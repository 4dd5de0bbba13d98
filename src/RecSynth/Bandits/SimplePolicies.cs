using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Internals;

namespace RecSynth.Bandits;

/// <summary>Every arm with the same probability, whatever happened: the baseline every learner must beat.</summary>
internal sealed class UniformPolicy(ImmutableArray<Arm> arms, int users) : BanditPolicy("uniform", arms, users)
{
    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities) => probabilities.Fill(1.0 / Arms.Length);
}

/// <summary>Always the same arm or blend.</summary>
internal sealed class FixedPolicy(Arm arm, int users) : BanditPolicy("fixed:" + arm.Name, [arm], users)
{
    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities) => probabilities[0] = 1;
}

/// <summary>
/// ε-greedy per user: each arm once (in order), then the arm with the best mean reward so far with probability 1 − ε
/// (the first of equals), and a uniformly random arm with probability ε.
/// </summary>
internal sealed class EpsilonGreedyPolicy(ImmutableArray<Arm> arms, int users, double epsilon)
    : BanditPolicy(epsilon == 0.1 ? "epsilon-greedy" : $"epsilon-greedy:{epsilon.ToString(System.Globalization.CultureInfo.InvariantCulture)}", arms, users)
{
    public double Epsilon { get; } = epsilon;

    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities)
    {
        int untried = Untried(user);
        if (untried >= 0)
        {
            OneHot(probabilities, untried);
            return;
        }

        probabilities.Fill(Epsilon / Arms.Length);
        probabilities[Greedy(user)] += 1 - Epsilon;
    }

    public override int BestArm(int user) => Sessions(user) == 0 ? -1 : Greedy(user);

    private int Greedy(int user)
    {
        Span<double> means = stackalloc double[Arms.Length];
        for (int a = 0; a < Arms.Length; a++)
        {
            int pulls = Pulls(user, a);
            means[a] = pulls == 0 ? double.NegativeInfinity : Rewards(user, a) / (double)pulls;
        }

        return ArgMax(means);
    }
}

/// <summary>UCB1 per user: each arm once, then the arm with the largest mean + sqrt(2 ln n / n_arm). Deterministic.</summary>
internal sealed class Ucb1Policy(ImmutableArray<Arm> arms, int users) : BanditPolicy("ucb1", arms, users)
{
    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities)
    {
        int untried = Untried(user);
        if (untried >= 0)
        {
            OneHot(probabilities, untried);
            return;
        }

        double logN = Math.Log(Sessions(user));
        Span<double> bounds = stackalloc double[Arms.Length];
        for (int a = 0; a < Arms.Length; a++)
        {
            int pulls = Pulls(user, a);
            bounds[a] = Rewards(user, a) / (double)pulls + Math.Sqrt(2 * logN / pulls);
        }

        OneHot(probabilities, ArgMax(bounds));
    }
}

/// <summary>Each user always gets one given arm (e.g. their optimal arm from a ground truth): a stationary per-user policy.</summary>
internal sealed class PerUserPolicy(string name, ImmutableArray<Arm> arms, int[] armOfUser) : BanditPolicy(name, arms, armOfUser.Length)
{
    public override void Probabilities(int user, ref EntityRandom random, Span<double> probabilities)
    {
        if (armOfUser[user] < 0)
        {
            probabilities.Fill(1.0 / Arms.Length); // no known arm: uniform
            return;
        }

        OneHot(probabilities, armOfUser[user]);
    }
}

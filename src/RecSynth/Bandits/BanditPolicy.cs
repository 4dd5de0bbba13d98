using System.Collections.Immutable;
using RecSynth.Behaviour;
using RecSynth.Internals;
using RecSynth.Simulation;

namespace RecSynth.Bandits;

/// <summary>
/// A policy of the closed loop (docs/design.md §6.1): for each session it chooses an arm for a user and learns from the
/// session's reward. It keeps every user's pulls and rewards per arm. A choice is always made the same way: the policy
/// states its probability for every arm (<see cref="Probabilities"/>), and the arm is drawn from them, so the recorded
/// propensity is exactly the probability of the choice made.
/// <para>
/// Threading: a user's sessions run on one thread at a time, in time order, so the per-user counts need no locks;
/// what the policy shares across users (a learned prior, a model on attributes) changes only in <see cref="EndOfDay"/>,
/// which runs alone between simulated days. Runs are therefore the same for any number of threads.
/// </para>
/// </summary>
internal abstract class BanditPolicy : ISessionPolicy
{
    private readonly int[] _pulls; // [user × arms + arm]
    private readonly int[] _rewards;

    protected BanditPolicy(string name, ImmutableArray<Arm> arms, int users)
    {
        Name = name;
        Arms = arms;
        _pulls = new int[users * arms.Length];
        _rewards = new int[users * arms.Length];
    }

    public string Name { get; }

    public ImmutableArray<Arm> Arms { get; }

    /// <summary>Every bandit learns (a fixed or uniform one from nothing: its counts only feed its best arm).</summary>
    public bool Learns => true;

    public int Pulls(int user, int arm) => _pulls[user * Arms.Length + arm];

    /// <summary>Users × arms.</summary>
    protected int PullsLength => _pulls.Length;

    public int Rewards(int user, int arm) => _rewards[user * Arms.Length + arm];

    /// <summary>Sessions served to the user so far.</summary>
    public int Sessions(int user)
    {
        int total = 0;
        for (int a = 0; a < Arms.Length; a++)
        {
            total += Pulls(user, a);
        }

        return total;
    }

    /// <summary>The probability of each arm for the user's next session (each in [0, 1], summing to 1).</summary>
    public abstract void Probabilities(int user, ref EntityRandom random, Span<double> probabilities);

    public ArmChoice Choose(int user, ref PolicyRandom random)
    {
        Span<double> p = stackalloc double[Arms.Length];
        Probabilities(user, ref random.Source, p);
        double u = random.Source.NextDouble();
        int chosen = Arms.Length - 1;
        double cumulative = 0;
        for (int a = 0; a < Arms.Length; a++)
        {
            cumulative += p[a];
            if (u < cumulative && p[a] > 0)
            {
                chosen = a;
                break;
            }
        }

        // Rounding can leave the last arm picked with probability 0: take the likeliest arm instead.
        if (p[chosen] <= 0)
        {
            chosen = ArgMax(p);
        }

        return new(Arms[chosen], p[chosen]);
    }

    /// <summary>Records the reward (0 or 1) of a session that served <paramref name="arm"/> to <paramref name="user"/>.</summary>
    public void Learn(int user, Arm arm, int reward)
    {
        int a = IndexOf(arm);
        _pulls[user * Arms.Length + a]++;
        _rewards[user * Arms.Length + a] += reward;
    }

    /// <summary>Updates what is shared across users, from every user's counts; runs alone between simulated days.</summary>
    public virtual void EndOfDay()
    {
    }

    /// <summary>The policy's current best arm for the user (what it has learned), or -1 before the user's first session.</summary>
    public virtual int BestArm(int user)
    {
        if (Sessions(user) == 0)
        {
            return -1;
        }

        // The posterior mean under a uniform prior: an arm never tried counts as 1/2.
        int best = 0;
        double bestMean = double.NegativeInfinity;
        for (int a = 0; a < Arms.Length; a++)
        {
            double mean = (Rewards(user, a) + 1.0) / (Pulls(user, a) + 2.0);
            if (mean > bestMean)
            {
                (best, bestMean) = (a, mean);
            }
        }

        return best;
    }

    public int IndexOf(Arm arm)
    {
        for (int a = 0; a < Arms.Length; a++)
        {
            if (Arms[a].Blend == arm.Blend)
            {
                return a;
            }
        }

        throw new ArgumentException($"arm {arm} is not one of the policy's arms", nameof(arm));
    }

    protected static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>All probability on one arm.</summary>
    protected static void OneHot(Span<double> probabilities, int arm)
    {
        probabilities.Clear();
        probabilities[arm] = 1;
    }

    /// <summary>The first arm the user has never been served, or -1.</summary>
    protected int Untried(int user)
    {
        for (int a = 0; a < Arms.Length; a++)
        {
            if (Pulls(user, a) == 0)
            {
                return a;
            }
        }

        return -1;
    }
}

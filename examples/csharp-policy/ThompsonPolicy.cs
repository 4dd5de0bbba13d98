namespace RecSynth.Examples.OutsidePolicy;

/// <summary>
/// Thompson sampling: per user, a Beta(1, 1) prior on each arm's reward rate, updated by the user's outcomes; a session
/// gets the arm with the largest draw from the user's posteriors. The propensity (the probability that this rule picks
/// that arm) is the share of <see cref="Draws"/> Monte Carlo rounds the chosen arm wins. The rounds take their draws
/// from a pool of <see cref="PoolSize"/> draws kept per (arm, alpha, beta), at offsets drawn per session: pools are
/// seeded by the posterior, not the session, so users with the same counts share them and dropping one changes nothing.
/// The same algorithm as examples/python-thompson (not the same numbers: the generators differ).
/// </summary>
internal sealed class ThompsonPolicy : ArmPolicy
{
    private const int Draws = 200;
    private const int PoolSize = 1024;
    private const int MaxPools = 8192; // 8 KB each: 64 MB at most

    private readonly ulong _seed;
    private readonly int[] _prior; // [arms * 2]: alpha, beta per arm
    private readonly Dictionary<string, int[]> _posteriors = []; // user id -> [arms * 2]
    private readonly Dictionary<(int Arm, int Alpha, int Beta), double[]> _pools = [];
    private readonly double[][] _rounds; // per arm: the pool a session's rounds come from
    private readonly int[] _offsets;
    private readonly double[] _draws;

    public ThompsonPolicy(IReadOnlyList<string> arms, ulong seed)
        : base(arms)
    {
        _seed = seed;
        _prior = [.. Enumerable.Repeat(1, arms.Count * 2)];
        _rounds = new double[arms.Count][];
        _offsets = new int[arms.Count];
        _draws = new double[arms.Count];
    }

    public override int Choose(string userId, string sessionId, out double propensity)
    {
        int[] posterior = _posteriors.GetValueOrDefault(userId, _prior);
        var random = new SeededRandom(_seed, sessionId);
        int chosen = 0;
        for (int arm = 0; arm < Arms.Count; arm++)
        {
            _draws[arm] = random.NextBeta(posterior[2 * arm], posterior[2 * arm + 1]);
            if (_draws[arm] > _draws[chosen])
            {
                chosen = arm;
            }
        }

        for (int arm = 0; arm < Arms.Count; arm++)
        {
            _rounds[arm] = Pool(arm, posterior[2 * arm], posterior[2 * arm + 1]);
            _offsets[arm] = random.NextInt(PoolSize - Draws + 1);
        }

        int wins = 0;
        ReadOnlySpan<double> mine = _rounds[chosen].AsSpan(_offsets[chosen], Draws);
        for (int round = 0; round < Draws; round++)
        {
            bool win = true;
            for (int arm = 0; arm < Arms.Count && win; arm++)
            {
                win = arm == chosen || mine[round] > _rounds[arm][_offsets[arm] + round];
            }

            wins += win ? 1 : 0;
        }

        propensity = (double)Math.Max(wins, 1) / Draws;
        return chosen;
    }

    public override void Learn(string userId, int arm, int reward)
    {
        if (!_posteriors.TryGetValue(userId, out int[]? posterior))
        {
            posterior = (int[])_prior.Clone();
            _posteriors.Add(userId, posterior);
        }

        posterior[2 * arm + (reward == 1 ? 0 : 1)]++;
    }

    private double[] Pool(int arm, int alpha, int beta)
    {
        if (_pools.TryGetValue((arm, alpha, beta), out double[]? pool))
        {
            return pool;
        }

        if (_pools.Count == MaxPools)
        {
            _pools.Clear(); // a pool comes back identical when it is needed again
        }

        var random = new SeededRandom(_seed, $"pool:{Arms[arm]}:{alpha}:{beta}");
        pool = new double[PoolSize];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = random.NextBeta(alpha, beta);
        }

        _pools.Add((arm, alpha, beta), pool);
        return pool;
    }
}

namespace RecSynth.Behaviour;

/// <summary>
/// Per user and blend level, the running mean and spread of the session's expected reward: the expectation (exact,
/// over the user's response) of serving that blend in the user's sessions, from the state the user was in — over a
/// random sample of the sessions, the same sample for every level (so differences between levels are sharper).
/// What ground_truth.csv holds, and what regret is measured against (docs/design.md §5).
/// </summary>
public sealed class GroundTruth
{
    private readonly double[] _sums;
    private readonly double[] _squares;
    private readonly int[] _sessions;

    internal GroundTruth(int users, int levels)
    {
        Levels = levels;
        _sums = new double[users * levels];
        _squares = new double[users * levels];
        _sessions = new int[users];
    }

    /// <summary>Blend levels (behaviour.blend_levels, in order): the second index of <see cref="Estimate"/>.</summary>
    public int Levels { get; }

    /// <summary>Users.</summary>
    public int Users => _sessions.Length;

    internal void Add(int user, int level, double expected)
    {
        _sums[user * Levels + level] += expected;
        _squares[user * Levels + level] += expected * expected;
    }

    internal void CountSession(int user) => _sessions[user]++;

    /// <summary>Sessions the estimate averages.</summary>
    public int Sessions(int user) => _sessions[user];

    /// <summary>
    /// The mean expected reward per session of serving blend level <paramref name="level"/> to <paramref name="user"/>,
    /// and its standard error over the user's sampled sessions (NaN without sessions).
    /// </summary>
    public (double Mean, double StandardError) Estimate(int user, int level)
    {
        int n = _sessions[user];
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = _sums[user * Levels + level] / n;
        double variance = n > 1 ? Math.Max(0, (_squares[user * Levels + level] - n * mean * mean) / (n - 1)) : 0;
        return (mean, Math.Sqrt(variance / n));
    }
}

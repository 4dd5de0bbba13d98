namespace RecSynth.Behaviour;

/// <summary>
/// Per user and blend level, the running mean and spread of the session's expected reward: the expectation (exact,
/// over the user's response) of serving that blend in the user's sessions, from the state the user was in — over a
/// random sample of the sessions, the same sample for every level (so differences between levels are sharper).
/// </summary>
internal sealed class GroundTruth(int users, int levels)
{
    private readonly double[] _sums = new double[users * levels];
    private readonly double[] _squares = new double[users * levels];
    private readonly int[] _sessions = new int[users];

    public int Levels { get; } = levels;

    public void Add(int user, int level, double expected)
    {
        _sums[user * Levels + level] += expected;
        _squares[user * Levels + level] += expected * expected;
    }

    public void CountSession(int user) => _sessions[user]++;

    /// <summary>Sessions the estimate averages.</summary>
    public int Sessions(int user) => _sessions[user];

    /// <summary>Mean expected reward per session, and its standard error over the user's sessions (NaN without sessions).</summary>
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

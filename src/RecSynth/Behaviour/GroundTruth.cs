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

    /// <summary>The truth of <paramref name="users"/> users from <paramref name="firstUser"/> on (a run's).</summary>
    internal GroundTruth(int firstUser, int users, int levels)
    {
        Levels = levels;
        FirstUser = firstUser;
        _sums = new double[(long)users * levels];
        _squares = new double[(long)users * levels];
        _sessions = new int[users];
    }

    /// <summary>The first user it holds (0 unless the run was a shard's); users are by their index in the population.</summary>
    public int FirstUser { get; }

    /// <summary>Blend levels (behaviour.blend_levels, in order): the second index of <see cref="Estimate"/>.</summary>
    public int Levels { get; }

    /// <summary>Users it holds, from <see cref="FirstUser"/> on.</summary>
    public int Users => _sessions.Length;

    internal void Add(int user, int level, double expected)
    {
        int at = (user - FirstUser) * Levels + level;
        _sums[at] += expected;
        _squares[at] += expected * expected;
    }

    internal void CountSession(int user) => _sessions[user - FirstUser]++;

    /// <summary>Sessions the estimate averages.</summary>
    public int Sessions(int user) => _sessions[user - FirstUser];

    /// <summary>
    /// The mean expected reward per session of serving blend level <paramref name="level"/> to <paramref name="user"/>,
    /// and its standard error over the user's sampled sessions (NaN without sessions).
    /// </summary>
    public (double Mean, double StandardError) Estimate(int user, int level)
    {
        int n = _sessions[user - FirstUser];
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        int at = (user - FirstUser) * Levels + level;
        double mean = _sums[at] / n;
        double variance = n > 1 ? Math.Max(0, (_squares[at] - n * mean * mean) / (n - 1)) : 0;
        return (mean, Math.Sqrt(variance / n));
    }
}

namespace RecSynth.Reports.Internals;

/// <summary>One run's <c>metrics.csv</c> (written by <c>recsynth simulate</c>): one entry per simulated day, in order.</summary>
internal sealed record MetricsRun(
    string Name,
    string File,
    int[] Day,
    long[] Sessions,
    long[] Reward,
    double[] RewardRate,
    double[] CumulativeReward,
    double[] ExpectedReward,
    double[] OracleReward,
    double[] CumulativeRegret,
    double[] OptimalShare,
    string[] Arms,
    double[][] Shares) // [arms][days]
{
    public int Days => Day.Length;
}

namespace RecSynth.Reports.Internals;

/// <summary>One run's <c>metrics.csv</c> (written by <c>recsynth simulate</c>): one entry per simulated day, in order; no policy for <c>metrics.csv</c> itself.</summary>
internal sealed record MetricsRun(
    string? Policy,
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
    /// <summary>The run's name on charts: the policy of <c>metrics-&lt;policy&gt;.csv</c>, "this run" for <c>metrics.csv</c>.</summary>
    public string Name => Policy ?? "this run";

    public int Days => Day.Length;
}

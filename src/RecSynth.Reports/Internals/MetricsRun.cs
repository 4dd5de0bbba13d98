namespace RecSynth.Reports.Internals;

/// <summary>
/// One run's <c>metrics.csv</c> (written by <c>recsynth simulate</c>): one entry per simulated day, in order. The
/// policy is that of a <c>metrics-&lt;policy&gt;.csv</c> file's name, or for <c>metrics.csv</c> the one its folder's
/// manifest records; null when neither says.
/// </summary>
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
    /// <summary>The run's name on charts and in the summary: its policy, else its file's name.</summary>
    public string Name => Policy ?? File;

    /// <summary>
    /// The id of its arm-share figure, after its file: chart-arm-shares for metrics.csv, chart-arm-shares-thompson for
    /// metrics-thompson.csv, chart-arm-shares-run-b for run-b/metrics.csv (a folder given beside the first).
    /// </summary>
    public string ArmSharesId
    {
        get
        {
            string key = System.IO.Path.ChangeExtension(File, null).Replace("/metrics", "", StringComparison.Ordinal).Replace("metrics", "", StringComparison.Ordinal).Trim('-', '/');
            return "chart-arm-shares" + (key.Length == 0 ? "" : "-" + HtmlPage.Slug(key));
        }
    }

    public int Days => Day.Length;
}

using System.Globalization;
using System.Text;
using RecSynth.Bandits;

namespace RecSynth.Files.Internals;

/// <summary>
/// metrics.csv of a closed-loop run, one row per simulated day: Day, Date, Sessions, Reward, RewardRate,
/// CumulativeReward, ExpectedReward, OracleReward, CumulativeRegret, OptimalShare, NearOptimalShare, then Share&lt;Arm&gt;
/// per arm (ShareCf, ShareBlend25, …, ShareImage; the arms' names as in ground_truth.csv).
/// </summary>
internal static class MetricsTable
{
    /// <summary>The columns before the Share&lt;Arm&gt; columns: what the report's reader expects too.</summary>
    public static readonly string[] FixedColumns =
        ["Day", "Date", "Sessions", "Reward", "RewardRate", "CumulativeReward", "ExpectedReward", "OracleReward", "CumulativeRegret", "OptimalShare", "NearOptimalShare"];

    public static (byte[] Text, long Rows) Format(ClosedLoopResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendJoin(',', FixedColumns);
        foreach (var arm in result.Summary.Arms)
        {
            text.Append(",Share").Append(BehaviourCsv.LevelName(arm.Blend));
        }

        text.Append('\n');
        foreach (var d in result.Days)
        {
            text.Append(c, $"{d.Day},{d.Date:yyyy-MM-dd},{d.Sessions},{d.Reward},");
            text.Append((double.IsNaN(d.RewardRate) ? 0 : d.RewardRate).ToString("0.######", c)); // 0 on a day without sessions
            text.Append(c, $",{d.CumulativeReward},{d.ExpectedReward:0.###},{d.OracleReward:0.###},{d.CumulativeRegret:0.###},{d.OptimalShare:0.######},{d.NearOptimalShare:0.######}");
            foreach (double share in d.ArmShares)
            {
                text.Append(',').Append(share.ToString("0.######", c));
            }

            text.Append('\n');
        }

        return (Encoding.UTF8.GetBytes(text.ToString()), result.Days.Length);
    }
}

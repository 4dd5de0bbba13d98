using System.Globalization;
using System.Text;

namespace RecSynth.Reports.Tests;

/// <summary>
/// A metrics.csv written by the test, following the schema `recsynth simulate` writes, with values from simple
/// formulas: what the report shows of it is derived here, independently of the report's code.
/// </summary>
internal sealed record SyntheticMetrics(string[] Arms, long[] Sessions, long[] Reward, double[] CumulativeRegret, double[] OptimalShare, double[][] Shares)
{
    public static readonly string Header = "Day,Date,Sessions,Reward,RewardRate,CumulativeReward,ExpectedReward,OracleReward,CumulativeRegret,OptimalShare,NearOptimalShare";

    public int Days => Sessions.Length;

    /// <summary>Writes <paramref name="days"/> days for the given arms (ShareCf, ShareImage, ShareBlend25…); <paramref name="pace"/> shapes how fast it "learns".</summary>
    public static SyntheticMetrics Write(string path, string[] arms, int days, double pace)
    {
        var text = new StringBuilder(Header + string.Concat(arms.Select(a => ",Share" + a)) + "\n");
        var sessions = new long[days];
        var reward = new long[days];
        var regret = new double[days];
        var optimal = new double[days];
        var shares = arms.Select(_ => new double[days]).ToArray();
        double cumulativeReward = 0, cumulativeRegret = 0;
        for (int d = 0; d < days; d++)
        {
            double learned = 1 - Math.Exp(-(d + 1) / pace);
            sessions[d] = 40 + (d * 7 % 13);
            reward[d] = (long)Math.Round(sessions[d] * (0.25 + 0.15 * learned));
            cumulativeReward += reward[d];
            double expected = sessions[d] * (0.25 + 0.15 * learned), oracle = sessions[d] * 0.42;
            cumulativeRegret += oracle - expected;
            regret[d] = cumulativeRegret;
            optimal[d] = 0.3 + 0.6 * learned;
            double[] raw = [.. arms.Select((_, a) => 1 + (a + 1) * learned)];
            for (int a = 0; a < arms.Length; a++)
            {
                shares[a][d] = raw[a] / raw.Sum();
            }

            string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{d + 1},{new DateOnly(2023, 1, 1).AddDays(d):yyyy-MM-dd},{sessions[d]},{reward[d]},{R(reward[d] / (double)sessions[d])},")
                .Append(CultureInfo.InvariantCulture, $"{R(cumulativeReward)},{R(expected)},{R(oracle)},{R(cumulativeRegret)},{R(optimal[d])},{R(Math.Min(1, optimal[d] + 0.05))}")
                .Append(string.Concat(shares.Select(s => "," + R(s[d])))).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return new SyntheticMetrics(arms, sessions, reward, regret, optimal, shares);
    }
}

using RecSynth.Files;
using RecSynth.Testing;

namespace RecSynth.Reports.Tests;

/// <summary>A metrics.csv that does not follow the schema is refused before anything is written, naming the file, line and column.</summary>
public sealed class MetricsValidationTests(ReportDatasets datasets)
{
    private const string Header = "Day,Date,Sessions,Reward,RewardRate,CumulativeReward,ExpectedReward,OracleReward,CumulativeRegret,OptimalShare,NearOptimalShare,ShareCf,ShareImage";
    private const string Day1 = "1,2023-01-01,10,3,0.3,3,3.1,4.2,1.1,0.5,0.6,0.5,0.5";
    private const string Day2 = "2,2023-01-02,10,4,0.4,7,3.5,4.2,1.8,0.6,0.7,0.4,0.6";

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "Day,Date,Sessions,Reward,RewardRate,CumulativeReward,ExpectedReward,OracleReward,CumulativeRegret,ShareCf,ShareImage\n" + Day1, "metrics.csv: line 1, column 10 (ShareCf)", "should be OptimalShare" },
        { "Day;Date;Sessions\n1;2023-01-01;10", "metrics.csv: line 1, column 1 (Day;Date;Sessions)", "should be Day" },
        { Header.Replace(",ShareImage", ",Image", StringComparison.Ordinal) + "\n" + Day1, "metrics.csv: line 1, column 13 (Image)", "Share<Arm>" },
        { Header.Replace(",ShareCf,ShareImage", "", StringComparison.Ordinal) + "\n1,2023-01-01,10,3,0.3,3,3.1,4.2,1.1,0.5,0.6", "metrics.csv: line 1, column 12", "no Share<Arm> column" },
        { Header + "\n" + Day1 + "\n" + Day2.Replace("0.4,7", "abc,7", StringComparison.Ordinal), "metrics.csv: line 3, column 5 (RewardRate)", "\"abc\" is not a finite number" },
        { Header + "\n" + Day1.Replace(",10,3,", ",10,3.5,", StringComparison.Ordinal), "metrics.csv: line 2, column 4 (Reward)", "\"3.5\" is not a whole number" },
        { Header + "\n" + Day1.Replace("2023-01-01", "01/01/2023", StringComparison.Ordinal), "metrics.csv: line 2, column 2 (Date)", "not a date (yyyy-MM-dd)" },
        { Header + "\n" + Day1 + "\n" + Day2.Replace(",0.4,0.6", ",1.4,0.6", StringComparison.Ordinal), "metrics.csv: line 3, column 12 (ShareCf)", "\"1.4\" is not a number in [0, 1]" },
        { Header + "\n" + Day1 + "\n" + Day2.Replace(",0.7,", ",1.7,", StringComparison.Ordinal), "metrics.csv: line 3, column 11 (NearOptimalShare)", "\"1.7\" is not a number in [0, 1]" },
        { Header + "\n" + Day1 + "\n" + Day2[..Day2.LastIndexOf(',')], "metrics.csv: line 3, column 13 (ShareImage)", "12 fields where the header has 13" },
        { Header + "\n" + Day2 + "\n" + Day1, "metrics.csv: line 3, column 1 (Day)", "Day 1 follows day 2" },
        { Header + "\n" + Day1 + "\n" + Day2.Replace(",NaN", "", StringComparison.Ordinal).Replace("4.2,1.8", "NaN,1.8", StringComparison.Ordinal), "metrics.csv: line 3, column 8 (OracleReward)", "not a finite number" },
        { Header + "\n", "metrics.csv: no rows", "one row per simulated day" },
        { "", "metrics.csv: line 1, column 1:", "column 1 should be Day, found nothing" },
        { Header.Replace("ShareImage", "ShareCf", StringComparison.Ordinal) + "\n" + Day1, "metrics.csv: line 1, column 13 (ShareCf)", "ShareCf is also column 12" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_metrics_csv_is_refused_naming_file_line_and_column(string content, string where, string why)
    {
        using var temp = new TempDirectory("metrics-bad");
        string folder = datasets.CopyTo(temp.Sub("data"));
        File.WriteAllText(Path.Combine(folder, "metrics.csv"), content);
        string[] before = [.. Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal)];

        var error = Assert.Throws<DatasetUsageException>(() => DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_malformed_file_of_one_policy_is_named()
    {
        using var temp = new TempDirectory("metrics-bad-policy");
        string folder = datasets.CopyTo(temp.Sub("data"));
        File.WriteAllText(Path.Combine(folder, "metrics-ucb1.csv"), Header + "\n" + Day1);
        File.WriteAllText(Path.Combine(folder, "metrics-thompson.csv"), Header + "\n" + Day1.Replace(",10,", ",-10,", StringComparison.Ordinal));

        var error = Assert.Throws<DatasetUsageException>(() => DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("metrics-thompson.csv: line 2, column 3 (Sessions): \"-10\" is not a whole number ≥ 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_well_formed_two_day_file_is_accepted()
    {
        using var temp = new TempDirectory("metrics-good");
        string folder = datasets.CopyTo(temp.Sub("data"));
        File.WriteAllText(Path.Combine(folder, "metrics.csv"), Header + "\n" + Day1 + "\n" + Day2 + "\n");

        string path = DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(Path.GetFullPath(folder), "report.html"), path);
        Assert.Equal("2", Assert.Single(ReportPage.Load(path).TableRows("run-summary"))[2]);
    }
}

using System.Globalization;
using System.Text.Json;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary><c>recsynth simulate</c> and <c>recsynth compare</c>: the closed loop from the command line.</summary>
public sealed class SimulateTests
{
    private static readonly string[] s_small = ["--products", "1500", "--users", "400", "--days", "42"];

    [Fact]
    public async Task Simulate_writes_the_dataset_and_a_metrics_row_per_day_that_agrees_with_sessions_csv()
    {
        using var temp = new TempDirectory("simulate");
        string folder = temp.Sub("out");

        var result = await Cli.RunAsync(["simulate", .. s_small, "--policy", "thompson", "--arms", "blend", "-o", folder]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("cumulative regret", result.StdOut, StringComparison.Ordinal);
        Datasets.AssertComplete(folder, [.. Datasets.All, "metrics.csv"]);
        var metrics = Datasets.CsvFields(Path.Combine(folder, "metrics.csv"));
        var sessions = Datasets.CsvFields(Path.Combine(folder, "sessions.csv")).Skip(1).ToList();
        string[] header = metrics[0];
        Assert.Equal(
            ["Day", "Date", "Sessions", "Reward", "RewardRate", "CumulativeReward", "ExpectedReward", "OracleReward", "CumulativeRegret", "OptimalShare", "NearOptimalShare",
             "ShareCf", "ShareBlend25", "ShareBlend50", "ShareBlend75", "ShareImage"],
            header);
        var days = metrics.Skip(1).ToList();
        Assert.Equal(42, days.Count);
        Assert.Equal(Enumerable.Range(1, 42).Select(d => d.ToString(CultureInfo.InvariantCulture)), days.Select(d => d[0]));
        Assert.Equal("2023-01-01", days[0][1]);

        // The metrics count what sessions.csv holds, day by day.
        var perDay = sessions.GroupBy(s => s[2][..10]).ToDictionary(g => g.Key, g => (Sessions: g.Count(), Reward: g.Count(s => s[10] == "1")));
        foreach (var day in days)
        {
            var (n, r) = perDay.GetValueOrDefault(day[1]);
            Assert.Equal(n, int.Parse(day[2], CultureInfo.InvariantCulture));
            Assert.Equal(r, int.Parse(day[3], CultureInfo.InvariantCulture));
            if (n > 0)
            {
                Assert.Equal(1.0, day.Skip(11).Sum(x => double.Parse(x, CultureInfo.InvariantCulture)), 5);
            }
        }

        Assert.Equal(sessions.Count(s => s[10] == "1"), int.Parse(days[^1][5], CultureInfo.InvariantCulture));
        Assert.All(sessions, s => Assert.Equal("thompson", s[3]));
        Assert.Contains(sessions, s => s[4] == "0.25");
        double[] regret = [.. days.Select(d => double.Parse(d[8], CultureInfo.InvariantCulture))];
        Assert.True(regret.Zip(regret.Skip(1)).All(p => p.Second >= p.First), "cumulative regret fell");
    }

    [Theory]
    [InlineData("fixed:image", "two")]
    [InlineData("fixed:0.25", "blend")]
    [InlineData("fixed:cf", "blend")]
    public async Task A_fixed_policys_regret_is_against_the_oracle_over_the_runs_whole_arm_set(string policy, string arms)
    {
        using var temp = new TempDirectory("simulate-fixed-regret");
        string folder = temp.Sub("out");

        var result = await Cli.RunAsync(["simulate", .. s_small, "--policy", policy, "--arms", arms, "-o", folder, "--quiet"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // The regret, computed here from the written ground truth: per session, the user's best expected reward over the
        // run's arm set (cf and image, or every blend level) minus that of the arm served.
        var truth = Datasets.CsvFields(Path.Combine(folder, "ground_truth.csv"));
        string[] columns = arms == "two" ? ["RewardCf", "RewardImage"] : ["RewardCf", "RewardBlend25", "RewardBlend50", "RewardBlend75", "RewardImage"];
        string served = policy switch { "fixed:image" => "RewardImage", "fixed:0.25" => "RewardBlend25", _ => "RewardCf" };
        int[] at = [.. columns.Select(c => Array.IndexOf(truth[0], c))];
        int servedAt = Array.IndexOf(truth[0], served);
        var rows = truth.Skip(1).Where(r => r[1] != "0").ToDictionary(r => r[0]);
        var sessions = Datasets.CsvFields(Path.Combine(folder, "sessions.csv")).Skip(1).ToList();
        double expected = 0;
        int optimalIsServed = 0, nearTies = 0;
        foreach (var row in rows.Values)
        {
            // The optimum is the first of equals in blend order, as the metrics take it.
            double[] rewards = [.. at.Select(i => double.Parse(row[i], CultureInfo.InvariantCulture))];
            int optimal = Array.IndexOf(rewards, rewards.Max());
            optimalIsServed += at[optimal] == servedAt ? 1 : 0;
            // The file rounds each mean to 1e-6: where the served arm is within rounding of the best, the run's own
            // doubles may rank the two the other way.
            double servedReward = double.Parse(row[servedAt], CultureInfo.InvariantCulture);
            nearTies += Enumerable.Range(0, at.Length).Any(a => at[a] != servedAt && Math.Abs(rewards[a] - servedReward) <= 1e-6) ? 1 : 0;
        }

        foreach (var s in sessions.Where(s => rows.ContainsKey(s[1])))
        {
            var row = rows[s[1]];
            expected += at.Max(i => double.Parse(row[i], CultureInfo.InvariantCulture)) - double.Parse(row[servedAt], CultureInfo.InvariantCulture);
        }

        var days = Datasets.CsvFields(Path.Combine(folder, "metrics.csv"));
        double regret = double.Parse(days[^1][Array.IndexOf(days[0], "CumulativeRegret")], CultureInfo.InvariantCulture);
        // ground_truth.csv rounds each mean to 1e-6: two roundings per session, plus metrics.csv's 0.001.
        double tolerance = sessions.Count * 2e-6 + 1e-3;
        Assert.True(expected > 1, $"the oracle should beat {policy} for some users (regret {expected:F3})");
        Assert.Equal(expected, regret, tolerance);

        // The optimal share at the end: users whose optimum over the whole arm set is the served arm, give or take the
        // users whose served arm ties the best within the file's rounding.
        double optimalShare = double.Parse(days[^1][Array.IndexOf(days[0], "OptimalShare")], CultureInfo.InvariantCulture);
        Assert.InRange(optimalShare, (optimalIsServed - nearTies) / (double)rows.Count - 1e-6, (optimalIsServed + nearTies) / (double)rows.Count + 1e-6);
        Assert.True(optimalShare < 0.9, $"{policy} cannot have learned the optimum of {optimalShare:P1} of users");
        Assert.Equal(columns.Select(c => "Share" + c["Reward".Length..]), days[0].Skip(11));
    }

    [Fact]
    public async Task Simulate_with_the_builtin_recommender_writes_a_dataset_with_cf_and_image_interactions()
    {
        using var temp = new TempDirectory("simulate-builtin");
        string folder = temp.Sub("out");

        var result = await Cli.RunAsync(["simulate", .. s_small, "--policy", "uniform", "--recommender", "builtin", "-o", folder, "--quiet"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Datasets.AssertComplete(folder, [.. Datasets.All, "metrics.csv"]);
        var interactions = Datasets.CsvFields(Path.Combine(folder, "interactions.csv")).Skip(1).ToList();
        Assert.Contains(interactions, i => i[4] == "cf");
        Assert.Contains(interactions, i => i[4] == "image");
    }

    [Fact]
    public async Task The_report_of_a_simulated_folder_shows_its_learning_curves()
    {
        using var temp = new TempDirectory("simulate-report");
        string folder = temp.Sub("out");
        Assert.Equal(0, (await Cli.RunAsync(["simulate", .. s_small, "--policy", "ucb1", "-o", folder, "--quiet"])).ExitCode);

        var result = await Cli.RunAsync("report", folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("chart-optimal-share", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_gives_byte_identical_folders_with_1_and_4_threads()
    {
        using var temp = new TempDirectory("simulate-threads");

        var one = await Cli.RunAsync(["simulate", .. s_small, "--policy", "hierarchical-thompson", "--threads", "1", "-o", temp.Sub("t1"), "--quiet"]);
        var four = await Cli.RunAsync(["simulate", .. s_small, "--policy", "hierarchical-thompson", "--threads", "4", "-o", temp.Sub("t4"), "--quiet"]);

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(four.ExitCode == 0, four.ToString());
        Datasets.AssertIdentical(temp.Sub("t1"), temp.Sub("t4"));
    }

    [Theory]
    [InlineData("--policy", "nonsense", "--policy = nonsense")]
    [InlineData("--policy", "fixed:0.3", "not one of behaviour.blend_levels (cf, 0.25, 0.5, 0.75, image)")]
    [InlineData("--arms", "three", "--arms = three")]
    [InlineData("--recommender", "gorse", "--recommender gorse needs the server")]
    [InlineData("--recommender", "other", "must be oracle, builtin or gorse")]
    [InlineData("--days", "0", "--days = 0")]
    public async Task Simulate_refuses_bad_options_with_exit_2_and_writes_nothing(string option, string value, string message)
    {
        using var temp = new TempDirectory("simulate-bad");
        string[] sizes = option == "--days" ? s_small[..4] : s_small;
        string[] args = option == "--policy"
            ? ["simulate", .. sizes, option, value, "-o", temp.Sub("out")]
            : ["simulate", .. sizes, "--policy", "thompson", option, value, "-o", temp.Sub("out")];

        var result = await Cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Sub("out")));
    }

    [Fact]
    public async Task Days_with_the_behaviour_stage_exits_2_since_the_period_is_the_folders()
    {
        var result = await Cli.RunAsync("simulate", "--policy", "ucb1", "--stage", "behaviour", "--days", "20", "-o", "nowhere-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--days = 20", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("period of the catalogue and users", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_runs_each_policy_on_the_same_users_and_reports_json_rows()
    {
        var result = await Cli.RunAsync(["compare", .. s_small, "--policies", "uniform,thompson,fixed:cf", "--repeats", "2", "--json", "--quiet"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["uniform", "thompson", "fixed:cf"], rows.Select(r => r.GetProperty("policy").GetString()));
        Assert.All(rows, r => Assert.Equal(2, r.GetProperty("seeds").GetInt32()));
        var regret = rows.ToDictionary(r => r.GetProperty("policy").GetString()!, r => r.GetProperty("regret").GetProperty("mean").GetDouble());
        Assert.True(regret["thompson"] < regret["uniform"], $"thompson's regret {regret["thompson"]:F1} is not below uniform's {regret["uniform"]:F1}");
        // A fixed policy is measured against the oracle over both arms, like the others: cf is not every user's best.
        Assert.True(regret["fixed:cf"] > 10, $"fixed:cf's regret is {regret["fixed:cf"]:F1}");
        Assert.InRange(rows[2].GetProperty("optimal_learned").GetProperty("mean").GetDouble(), 0.2, 0.9);
        Assert.True(rows[0].GetProperty("reward").GetProperty("sd").GetDouble() > 0, "two seeds gave the same reward");
    }

    [Fact]
    public async Task The_compare_table_says_what_was_compared_and_gives_the_paired_difference_from_the_first_policy()
    {
        string[] args = ["compare", .. s_small, "--policies", "uniform,thompson", "--repeats", "2", "--quiet"];
        var table = await Cli.RunAsync(args);
        var json = await Cli.RunAsync([.. args, "--json"]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("arms cf, image (--arms two), recommender oracle, 400 users, 1,500 products, 42 days, seeds 42–43", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("regret vs uniform", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("best arm found", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("what it learned, not what it served", table.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("optimal learned", table.StdOut, StringComparison.Ordinal);

        // The paired difference, computed here from one run per seed: thompson's regret minus uniform's on seed 42 and on
        // seed 43, then their mean and standard deviation (n − 1).
        double[] perSeed = new double[2];
        for (int r = 0; r < 2; r++)
        {
            var single = await Cli.RunAsync(["compare", .. s_small, "--policies", "uniform,thompson", "--seed", (42 + r).ToString(CultureInfo.InvariantCulture), "--json", "--quiet"]);
            using var seed = JsonDocument.Parse(single.StdOut);
            var regrets = seed.RootElement.EnumerateArray().Select(row => row.GetProperty("regret").GetProperty("mean").GetDouble()).ToList();
            perSeed[r] = regrets[1] - regrets[0];
        }

        double mean = perSeed.Average(), sd = Math.Abs(perSeed[1] - perSeed[0]) / Math.Sqrt(2);
        using var document = JsonDocument.Parse(json.StdOut);
        var rows = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("regret_difference").ValueKind);
        Assert.Equal(mean, rows[1].GetProperty("regret_difference").GetProperty("mean").GetDouble(), 1e-6);
        Assert.Equal(sd, rows[1].GetProperty("regret_difference").GetProperty("sd").GetDouble(), 1e-6);
        string sign = mean < 0 ? "−" : "+";
        Assert.Contains($"{sign}{Math.Abs(mean).ToString("N0", CultureInfo.InvariantCulture)} ± {sd.ToString("N0", CultureInfo.InvariantCulture)}", table.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("thompson,bogus", "--policies = bogus")]
    [InlineData("thompson,fixed:0.3", "--policies = fixed:0.3: serves the blend 0.3, which is not one of behaviour.blend_levels")]
    public async Task Compare_with_an_unknown_policy_exits_2_before_running_anything(string policies, string message)
    {
        var result = await Cli.RunAsync(["compare", .. s_small, "--policies", policies, "--arms", "blend"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("running", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_with_an_output_folder_writes_each_policys_learning_curves_and_report_draws_them_in_one_chart_each()
    {
        using var temp = new TempDirectory("compare-report");
        string folder = temp.Sub("comparison");

        var compared = await Cli.RunAsync(["compare", .. s_small, "--policies", "uniform,thompson,fixed:image", "-o", folder, "--quiet"]);
        Assert.True(compared.ExitCode == 0, compared.ToString());
        Assert.Equal(["metrics-fixed_image.csv", "metrics-thompson.csv", "metrics-uniform.csv"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var report = await Cli.RunAsync("report", folder, "--quiet");
        Assert.True(report.ExitCode == 0, report.ToString());
        string html = await File.ReadAllTextAsync(Path.Combine(folder, "report.html"), TestContext.Current.CancellationToken);
        foreach (string id in (string[])["chart-reward-rate", "chart-regret", "chart-optimal-share", "chart-arm-shares-uniform", "chart-arm-shares-thompson", "chart-arm-shares-fixed_image"])
        {
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        }

        // Each policy's file is its run of compare: the same sessions and the summary's rewarded sessions.
        var json = await Cli.RunAsync(["compare", .. s_small, "--policies", "uniform,thompson,fixed:image", "--json"]);
        using var rows = JsonDocument.Parse(json.StdOut);
        foreach (var row in rows.RootElement.EnumerateArray())
        {
            string policy = row.GetProperty("policy").GetString()!;
            var days = Datasets.CsvFields(Path.Combine(folder, $"metrics-{policy.Replace(':', '_')}.csv")).Skip(1).ToList();
            Assert.Equal(42, days.Count);
            Assert.Equal(row.GetProperty("reward").GetProperty("mean").GetDouble(), days.Sum(d => long.Parse(d[3], CultureInfo.InvariantCulture)));
            Assert.Contains($">{policy.Replace(":", "_", StringComparison.Ordinal)}<", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Report_over_several_simulate_folders_draws_every_run_in_the_same_charts()
    {
        using var temp = new TempDirectory("report-many");
        var a = await Cli.RunAsync(["simulate", .. s_small, "--policy", "uniform", "-o", temp.Sub("a"), "--quiet"]);
        var b = await Cli.RunAsync(["simulate", .. s_small, "--policy", "thompson", "-o", temp.Sub("b"), "--quiet"]);
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a + "\n" + b);

        var report = await Cli.RunAsync("report", temp.Sub("a"), temp.Sub("b"), "-o", temp.File("both.html"), "--quiet");

        Assert.True(report.ExitCode == 0, report.ToString());
        string html = await File.ReadAllTextAsync(temp.File("both.html"), TestContext.Current.CancellationToken);
        Assert.Contains("id=\"chart-arm-shares\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-arm-shares-b\"", html, StringComparison.Ordinal);
        Assert.Contains("b/metrics.csv", html, StringComparison.Ordinal);
        Assert.Contains(">uniform<", html, StringComparison.Ordinal);
        Assert.Contains(">thompson<", html, StringComparison.Ordinal);

        var alone = await Cli.RunAsync("report", temp.Sub("a"), temp.Sub("nothing-here"));
        Assert.True(alone.ExitCode == 2, alone.ToString());
    }
}

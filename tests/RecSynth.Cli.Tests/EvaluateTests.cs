using System.Text.Json;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary><c>recsynth evaluate</c>: estimates beside the simulated value, and clear refusals.</summary>
public sealed class EvaluateTests
{
    private static async Task<string> LogAsync(TempDirectory temp, string policy)
    {
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(3));
        string folder = temp.Sub(policy);
        var result = await Cli.RunAsync("generate", "-c", config, "--products", "1000", "--users", "400", "--policy", policy, "-o", folder, "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        return folder;
    }

    [Fact]
    public async Task Evaluate_prints_ips_snips_and_dr_with_intervals_and_the_simulated_value()
    {
        using var temp = new TempDirectory("evaluate");
        string folder = await LogAsync(temp, "uniform-blend");

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "fixed:0.25", "--arms", "blend", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.Equal("uniform-blend", root.GetProperty("logging_policy").GetString());
        Assert.Equal(Datasets.CsvRows(Path.Combine(folder, "sessions.csv")), root.GetProperty("logged_sessions").GetInt64());
        var estimates = root.GetProperty("estimates").EnumerateArray().ToList();
        Assert.Equal(["ips", "snips", "dr"], estimates.Select(e => e.GetProperty("method").GetString()));
        Assert.All(estimates, e => Assert.True(e.GetProperty("low").GetDouble() < e.GetProperty("value").GetDouble() && e.GetProperty("value").GetDouble() < e.GetProperty("high").GetDouble()));
        double truth = root.GetProperty("true_value").GetDouble();
        Assert.InRange(truth, 0.05, 0.95);
        Assert.InRange(root.GetProperty("closed_loop_value").GetDouble(), 0.05, 0.95);
    }

    [Fact]
    public async Task The_table_shows_both_true_values_and_the_estimates_differences_from_the_one_they_target()
    {
        using var temp = new TempDirectory("evaluate-table");
        string folder = await LogAsync(temp, "uniform");

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "fixed:image");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdOut.Split('\n');
        double exact = Number(lines.Single(l => l.Contains("true, on the log's states (exact)", StringComparison.Ordinal)), 1);
        double snips = Number(lines.Single(l => l.TrimStart().StartsWith("snips", StringComparison.Ordinal)), 1);
        double difference = Number(lines.Single(l => l.TrimStart().StartsWith("snips", StringComparison.Ordinal)), -1);
        Assert.InRange(Math.Abs(snips - exact - difference), 0, 0.00015); // three figures printed to 4 decimals
        Assert.Contains(lines, l => l.Contains("true, closed loop (simulated)", StringComparison.Ordinal));
        Assert.Contains("The estimates target the value on the log's own sessions", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_behaviour_simulated_again_with_another_seed_is_evaluated_on_the_folders_own_catalogue_and_users()
    {
        using var temp = new TempDirectory("evaluate-reseeded");
        string folder = await LogAsync(temp, "uniform");
        var again = await Cli.RunAsync("generate", "--stage", "behaviour", "--seed", "7", "--policy", "uniform-blend", "--force", "-o", folder, "--quiet");
        Assert.True(again.ExitCode == 0, again.ToString());

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "fixed:0.5", "--arms", "blend", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("not available", result.StdErr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Number, root.GetProperty("true_value").ValueKind);
        // The sessions (their users and times) do not depend on the policy: the closed loop re-created on the same
        // world with the behaviour's seed has exactly the log's sessions; a world made with seed 7 would not.
        Assert.Equal(root.GetProperty("logged_sessions").GetInt64(), root.GetProperty("closed_loop_sessions").GetInt64());
    }

    [Theory]
    [InlineData("uniform", "oracle", "two")]
    [InlineData("thompson", "builtin", "blend")]
    public async Task A_log_written_by_simulate_has_its_exact_value_on_the_logs_states(string policy, string recommender, string arms)
    {
        using var temp = new TempDirectory("evaluate-simulated");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(3));
        string folder = temp.Sub("log");
        var simulated = await Cli.RunAsync("simulate", "-c", config, "--products", "1000", "--users", "400", "--policy", policy, "--recommender", recommender, "--arms", arms, "-o", folder, "--quiet");
        Assert.True(simulated.ExitCode == 0, simulated.ToString());

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "uniform", "--arms", arms, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Number, root.GetProperty("true_value").ValueKind);
        Assert.Equal(root.GetProperty("logged_sessions").GetInt64(), root.GetProperty("closed_loop_sessions").GetInt64());
        if (policy == "uniform")
        {
            // Evaluating the logging policy itself: its exact value on the log's states is the expectation of the log's
            // mean reward, which differs from it by sampling noise only (4 standard errors: a false alarm in 1 of 15,000).
            var rewards = Datasets.CsvFields(Path.Combine(folder, "sessions.csv")).Skip(1).Select(r => r[10] == "1" ? 1.0 : 0).ToList();
            double mean = rewards.Average();
            double error = Math.Sqrt(mean * (1 - mean) / rewards.Count);
            Assert.InRange(root.GetProperty("true_value").GetDouble(), mean - 4 * error, mean + 4 * error);
        }
    }

    /// <summary>The number in a table row: the first (1) or the last (-1) cell that parses as one.</summary>
    private static double Number(string row, int which)
    {
        var numbers = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(cell => double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN)
            .Where(v => !double.IsNaN(v)).ToList();
        return which > 0 ? numbers[0] : numbers[^1];
    }

    [Fact]
    public async Task Blend_arms_on_a_two_armed_log_exit_2()
    {
        using var temp = new TempDirectory("evaluate-two");
        string folder = await LogAsync(temp, "uniform");

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "thompson", "--arms", "blend");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("never served 0.25, 0.5, 0.75", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sessions_csv_without_propensities_exits_2_naming_the_column()
    {
        using var temp = new TempDirectory("evaluate-nop");
        string folder = await LogAsync(temp, "uniform");
        string sessions = Path.Combine(folder, "sessions.csv");
        File.WriteAllLines(sessions, File.ReadAllLines(sessions).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 5))));

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "fixed:cf");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sessions.csv line 1: the header has no column 'Propensity'", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_of_a_deterministic_policy_exits_2()
    {
        using var temp = new TempDirectory("evaluate-ucb");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(2));
        string folder = temp.Sub("ucb1");
        Assert.Equal(0, (await Cli.RunAsync("simulate", "-c", config, "--products", "800", "--users", "300", "--policy", "ucb1", "-o", folder, "--quiet")).ExitCode);

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "fixed:cf");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("chose with certainty", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_policy_exits_2()
    {
        using var temp = new TempDirectory("evaluate-bad");
        string folder = await LogAsync(temp, "uniform");

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "magic");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--policy = magic", result.StdErr, StringComparison.Ordinal);
    }
}

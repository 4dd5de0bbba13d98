using RecSynth.Bandits;
using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Issue 5: off-policy estimates from a uniform log of the small preset (uniform-blend, seed 42, one year), against the
/// policies' true values by simulation on the same users: exactly, in the log's own sessions and user states (what the
/// estimators estimate), and in the closed loop (reported: serving one arm changes the users' later states).
/// </summary>
public sealed class OffPolicyTests : IClassFixture<OffPolicyTests.UniformLog>
{
    private readonly UniformLog _log;

    public OffPolicyTests(UniformLog log) => _log = log;

    [Theory]
    [InlineData("fixed:cf", BanditArms.Blend)]
    [InlineData("fixed:image", BanditArms.Blend)]
    [InlineData("fixed:0.5", BanditArms.Blend)]
    [InlineData("best-arm", BanditArms.Two)]
    [InlineData("best-arm", BanditArms.Blend)]
    public void Snips_and_dr_estimates_of_stationary_policies_are_within_5_percent_of_their_simulated_value(string policy, BanditArms arms)
    {
        var result = PolicyEvaluation.Evaluate(_log.Folder, policy, arms, threads: 2, TestContext.Current.CancellationToken);

        double truth = Assert.NotNull(result.TrueValue);
        foreach (var e in result.Estimates)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{policy} {arms}: {e.Method} {e.Value:F4} [{e.Low:F4}, {e.High:F4}] over {e.Sessions:N0}; true on the log's states {truth:F4}; closed loop {result.ClosedLoopValue:F4} over {result.ClosedLoopSessions:N0} ({(result.ClosedLoopValue - truth) / truth:+0.0%;-0.0%})");
        }

        // The 5 %; with about 376,000 logged sessions the 95 % SNIPS interval is about ±1 % of the value.
        foreach (string method in new[] { "snips", "dr" })
        {
            var estimate = result.Estimates.Single(e => e.Method == method);
            double error = Math.Abs(estimate.Value - truth) / truth;
            Assert.True(error <= 0.05, $"{policy}: {method} {estimate.Value:F4} is {error:P1} from the true value {truth:F4}");
        }
    }

    [Fact]
    public void A_learning_policy_gets_the_replay_estimate_beside_its_simulated_value()
    {
        var result = PolicyEvaluation.Evaluate(_log.Folder, "thompson", BanditArms.Two, threads: 2, TestContext.Current.CancellationToken);

        var replay = Assert.Single(result.Estimates);
        TestContext.Current.TestOutputHelper?.WriteLine($"thompson: replay {replay.Value:F4} [{replay.Low:F4}, {replay.High:F4}] over {replay.Sessions:N0}; true (closed loop) {result.TrueValue:F4}");
        Assert.Equal("replay", replay.Method);
        Assert.Equal(result.ClosedLoopValue, result.TrueValue);

        // A uniform log over 5 blend levels agrees with a two-armed policy only on cf and image sessions, and then
        // about half the time: roughly a fifth of the log.
        Assert.InRange(replay.Sessions, result.LoggedSessions / 8, result.LoggedSessions / 3);
        Assert.True(replay.Low < replay.High);
    }

    [Fact]
    public void The_value_on_the_log_states_of_the_logging_policy_itself_is_the_log_mean_reward()
    {
        // Uniform over the blend levels is the policy that wrote the log: its exact value on the log's states is the
        // expectation of the log's own mean reward, which must then lie within 4 binomial standard errors of it.
        var result = PolicyEvaluation.Evaluate(_log.Folder, "uniform", BanditArms.Blend, threads: 2, TestContext.Current.CancellationToken);
        var (rewards, sessions) = _log.Rewards();
        double mean = rewards / (double)sessions;
        double standardError = Math.Sqrt(mean * (1 - mean) / sessions);

        double truth = Assert.NotNull(result.TrueValue);
        TestContext.Current.TestOutputHelper?.WriteLine($"uniform: log mean {mean:F4} ± {standardError:F4}, exact on the log's states {truth:F4}");
        Assert.InRange(truth, mean - 4 * standardError, mean + 4 * standardError);
    }

    [Fact]
    public void A_log_that_its_config_does_not_reproduce_gets_no_value_on_its_states()
    {
        using var temp = new TempDirectory("edited-log");
        string folder = temp.Sub("log");
        var options = TestOptions.Dataset(800, 300);
        DatasetGenerator.Generate(options with { Behaviour = options.Behaviour with { Policy = "uniform" } }, TestOptions.Output(folder), cancellationToken: TestContext.Current.CancellationToken);
        string sessions = Path.Combine(folder, "sessions.csv");
        var lines = File.ReadAllLines(sessions);
        int row = Array.FindIndex(lines, 1, l => l.EndsWith(",0", StringComparison.Ordinal));
        lines[row] = lines[row][..^1] + "1"; // one session's reward flipped
        File.WriteAllLines(sessions, lines);

        var result = PolicyEvaluation.Evaluate(folder, "fixed:cf", BanditArms.Two, 2, TestContext.Current.CancellationToken);

        Assert.Null(result.TrueValue);
        Assert.InRange(result.ClosedLoopValue, 0.01, 0.99);
    }

    [Fact]
    public void A_blend_policy_on_a_two_armed_log_is_refused()
    {
        using var temp = new TempDirectory("two-armed");
        DatasetGenerator.Generate(TestOptions.Dataset(800, 300), TestOptions.Output(temp.Sub("log")), cancellationToken: TestContext.Current.CancellationToken);

        var error = Assert.Throws<DatasetUsageException>(() => PolicyEvaluation.Evaluate(temp.Sub("log"), "thompson", BanditArms.Blend, 2, TestContext.Current.CancellationToken));

        Assert.Contains("never served 0.25, 0.5, 0.75", error.Message, StringComparison.Ordinal);
        Assert.Contains("uniform-blend", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sessions_csv_without_propensities_is_refused_naming_the_column()
    {
        using var temp = new TempDirectory("no-propensity");
        string folder = temp.Sub("log");
        DatasetGenerator.Generate(TestOptions.Dataset(800, 300), TestOptions.Output(folder), cancellationToken: TestContext.Current.CancellationToken);
        string sessions = Path.Combine(folder, "sessions.csv");
        var lines = File.ReadAllLines(sessions).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 5)));
        File.WriteAllLines(sessions, lines);

        var error = Assert.Throws<DatasetUsageException>(() => PolicyEvaluation.Evaluate(folder, "fixed:cf", BanditArms.Two, 2, TestContext.Current.CancellationToken));

        Assert.Contains("sessions.csv line 1: the header has no column 'Propensity'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The small preset logged with uniform-blend, written once for the class.</summary>
    public sealed class UniformLog : IDisposable
    {
        private readonly TempDirectory _temp = new("uniform-log");

        public UniformLog()
        {
            Folder = _temp.Sub("log");
            var options = RecSynthOptions.FromPreset(Preset.Small);
            DatasetGenerator.Generate(options with { Behaviour = options.Behaviour with { Policy = "uniform-blend" } }, TestOptions.Output(Folder));
        }

        public string Folder { get; }

        /// <summary>The log's rewarded sessions and sessions, counted from sessions.csv.</summary>
        public (long Rewards, long Sessions) Rewards()
        {
            long rewards = 0, sessions = 0;
            foreach (string line in File.ReadLines(Path.Combine(Folder, "sessions.csv")).Skip(1))
            {
                sessions++;
                rewards += line.EndsWith(",1", StringComparison.Ordinal) ? 1 : 0;
            }

            return (rewards, sessions);
        }

        public void Dispose() => _temp.Dispose();
    }
}

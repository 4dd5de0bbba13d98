using System.Collections.Immutable;
using RecSynth.Bandits;
using RecSynth.Configuration;

namespace RecSynth.Tests.Bandits;

/// <summary>The closed-loop runs of the small preset (5,000 users, 2023, seed 42) that the acceptance tests share.</summary>
public sealed class ClosedLoopRuns
{
    private readonly Dictionary<string, ClosedLoopResult> _runs = [];
    private readonly Lock _lock = new();

    public static RecSynthOptions Small(bool byAge = false, long seed = 42)
    {
        var options = RecSynthOptions.FromPreset(Preset.Small) with { Seed = seed };

        return byAge
            ? options with { Users = options.Users with { CfPreference = options.Users.CfPreference with { ByAgeGroup = true } } }
            : options;
    }

    public ClosedLoopResult Get(string policy, BanditArms arms = BanditArms.Two, bool byAge = false, long seed = 42)
    {
        string key = $"{policy}/{arms}/{byAge}/{seed}";
        lock (_lock)
        {
            if (!_runs.TryGetValue(key, out var result))
            {
                _runs[key] = result = ClosedLoop.Run(Small(byAge, seed), policy, arms, threads: 2, TestContext.Current.CancellationToken);
            }

            return result;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClosedLoopGroup : ICollectionFixture<ClosedLoopRuns>
{
    public const string Name = "closed loop runs";
}

/// <summary>
/// Issue 5's acceptance criteria on the small preset with a fixed seed and one simulated year. The thresholds are the
/// issue's; the populations they are measured on are hundreds to thousands of users, so a criterion that holds with a
/// margin of a few points is not an accident of sampling (each comment gives the count and the margin).
/// </summary>
[Collection(ClosedLoopGroup.Name)]
public sealed class BanditAcceptanceTests(ClosedLoopRuns runs)
{
    [Fact]
    public void Thompson_sampling_over_two_arms_serves_most_the_optimal_arm_to_85_percent_of_users_with_a_clear_optimum()
    {
        var result = runs.Get("thompson");

        // Users with at least 30 sessions whose two arms' expected rewards differ by at least 25 % (the larger at least
        // 1.25 times the smaller).
        var clear = result.Users.Where(u => u.Sessions >= 30 && u.Optimal >= 0 && Ratio(u.Expected) >= 1.25).ToList();
        double share = clear.Count(u => u.MostChosen == u.Optimal) / (double)clear.Count;

        Report($"thompson: {clear.Count} users with >= 30 sessions and a 25 % gap; most-chosen arm optimal for {share:P1}");
        Assert.True(clear.Count >= 500, $"only {clear.Count} users qualify: too few to measure a share");
        Assert.True(share >= 0.85, $"only {share:P1} of {clear.Count} users end with the optimal arm as their most-chosen");
    }

    [Fact]
    public void Thompson_sampling_has_at_most_half_the_cumulative_regret_of_uniform()
    {
        double thompson = runs.Get("thompson").Summary.Regret;
        double uniform = runs.Get("uniform").Summary.Regret;

        Report($"cumulative regret: thompson {thompson:F0}, uniform {uniform:F0} (ratio {thompson / uniform:F2})");
        Assert.True(thompson <= 0.5 * uniform, $"thompson's regret {thompson:F0} is more than half of uniform's {uniform:F0}");
    }

    [Fact]
    public void Hierarchical_thompson_beats_per_user_thompson_on_reward_per_session_for_users_with_fewer_than_10_sessions()
    {
        var hierarchical = RatePerSession(runs.Get("hierarchical-thompson").Users, u => u.Sessions is > 0 and < 10);
        var thompson = RatePerSession(runs.Get("thompson").Users, u => u.Sessions is > 0 and < 10);

        Report($"users with < 10 sessions: hierarchical {hierarchical.Rate:F4} over {hierarchical.Sessions} sessions, thompson {thompson.Rate:F4} over {thompson.Sessions}");
        Assert.True(hierarchical.Rate > thompson.Rate, $"hierarchical {hierarchical.Rate:F4} does not beat thompson {thompson.Rate:F4}");
    }

    [Fact]
    public void With_cf_preference_by_age_group_the_contextual_policy_beats_thompson_in_total_reward()
    {
        long contextual = runs.Get("contextual", byAge: true).Summary.Reward;
        long thompson = runs.Get("thompson", byAge: true).Summary.Reward;

        Report($"cf_preference by age group: contextual {contextual:N0} rewarded sessions, thompson {thompson:N0}");
        Assert.True(contextual > thompson, $"contextual {contextual:N0} does not beat thompson {thompson:N0}");
    }

    [Fact]
    public void Without_it_the_contextual_policy_is_not_worse_than_thompson_beyond_the_paired_noise()
    {
        // Paired runs: on each seed both policies see the same users, session times and response draws (common random
        // numbers), so the difference of their totals is the policies' own, and its spread over seeds measures only the
        // noise that pairing leaves. (The spread of one policy's total over seeds measures the user populations, about
        // three times the size of any difference between policies, and would swallow any result.)
        long[] seeds = [42, 43, 44];
        double[] differences = [.. seeds.Select(seed => (double)(runs.Get("contextual", seed: seed).Summary.Reward - runs.Get("thompson", seed: seed).Summary.Reward))];
        double thompson = seeds.Average(seed => (double)runs.Get("thompson", seed: seed).Summary.Reward);
        double mean = differences.Average();
        double error = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Length - 1) / differences.Length);

        Report($"no context effect: contextual − thompson per seed {string.Join(", ", differences.Select(d => d.ToString("+0;-0", System.Globalization.CultureInfo.InvariantCulture)))}, mean {mean:F0} ± {error:F0} (standard error), thompson's mean total {thompson:N0}");
        // Not worse: the one-sided 95 % bound of the mean paired difference (Student's t, 2 degrees of freedom: 2.92)
        // reaches 0, and the mean loss, if any, is below 0.5 % of the total.
        Assert.True(mean + 2.92 * error >= 0, $"contextual is worse than thompson: mean paired difference {mean:F0} ± {error:F0}");
        Assert.True(mean >= -0.005 * thompson, $"contextual loses {-mean:F0} rewarded sessions a seed against thompson's {thompson:N0}");
    }

    [Fact]
    public void Over_blend_levels_curve_thompson_ends_within_5_percent_of_the_optimal_blend_for_80_percent_of_active_users_and_improves_over_the_year()
    {
        var result = runs.Get("curve-thompson", BanditArms.Blend);
        var active = result.Users.Where(u => u.Sessions >= 50 && u.Optimal >= 0).ToList();

        // What the policy ends up choosing most: its favourite at the end of the year (the blend of highest posterior
        // mean, which Thompson sampling serves most from then on). Also reported: the blend served most over the whole
        // year (exploration included) and over the user's last quarter of sessions.
        double share = NearOptimal(active, u => u.Learned);
        double wholeYear = NearOptimal(active, u => u.MostChosen), lastQuarter = NearOptimal(active, u => u.FinalChoice);
        var days = result.Days;
        double early = days[29].NearOptimalShare, middle = days[181].NearOptimalShare, late = days[^1].NearOptimalShare;

        Report($"blend: {active.Count} users with >= 50 sessions, favourite blend at the end within 5 % of the optimum for {share:P1} (most served over the year {wholeYear:P1}, over their last quarter {lastQuarter:P1}); learned near-optimal share day 30 {early:P1}, day 182 {middle:P1}, day {days.Length} {late:P1}");
        Assert.True(active.Count >= 500, $"only {active.Count} users qualify");
        // 2,270 users: a binomial standard error of 0.8 points at 80 %.
        Assert.True(share >= 0.80, $"only {share:P1} of {active.Count} users end within 5 % of the optimal blend");
        Assert.True(early < middle && middle < late, $"the near-optimal share does not grow: {early:P1}, {middle:P1}, {late:P1}");
    }

    private static double NearOptimal(List<UserOutcome> users, Func<UserOutcome, int> choice) =>
        users.Count(u => u.Expected[choice(u)] >= 0.95 * u.Expected[u.Optimal]) / (double)users.Count;

    private static double Ratio(ImmutableArray<double> expected) => Math.Max(expected[0], expected[1]) / Math.Min(expected[0], expected[1]);

    private static (double Rate, long Sessions) RatePerSession(IEnumerable<UserOutcome> users, Func<UserOutcome, bool> which)
    {
        var chosen = users.Where(which).ToList();
        long sessions = chosen.Sum(u => (long)u.Sessions);
        return (chosen.Sum(u => (double)u.Reward) / sessions, sessions);
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

using CsCheck;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Internals;
using RecSynth.Simulation;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Bandits;

/// <summary>Properties of every policy and of the closed loop (issue 5): propensities, regret, reproducibility.</summary>
public sealed class BanditPropertyTests
{
    private static readonly string[] s_policies = ["uniform", "epsilon-greedy", "epsilon-greedy:0.3", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson"];
    private static readonly World s_world = new(Scenario.Defaults(300, 50), 2, CancellationToken.None);

    public static TheoryData<string, BanditArms> Policies =>
        [.. s_policies.SelectMany(p => new[] { (p, BanditArms.Two), (p, BanditArms.Blend) })];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Probabilities_lie_in_0_1_sum_to_1_and_the_recorded_propensity_is_the_chosen_arms(string name, BanditArms arms)
    {
        // Random histories: each of a few users gets random sessions and rewards, some users none; then every policy
        // is asked for its probabilities and a choice, with the shared parts refitted in between.
        Gen.Int[0, 1_000_000].Array[1, 40].Sample(history =>
        {
            var policy = SessionPolicies.Bandit(PolicySpec.Parse(name, PolicyUse.ClosedLoop, "policy"), arms, s_world);
            foreach (int h in history)
            {
                policy.Learn(h % 7, policy.Arms[h / 7 % policy.Arms.Length], h / 100 % 2);
            }

            policy.EndOfDay();
            Span<double> p = stackalloc double[policy.Arms.Length];
            for (int user = 0; user < 8; user++)
            {
                var random = new EntityRandom(7, RandomStream.PolicyDraws, user + history.Length);
                policy.Probabilities(user, ref random, p);
                foreach (double x in p)
                {
                    Assert.InRange(x, 0, 1);
                }

                Assert.Equal(1, p.ToArray().Sum(), 9);
                // The same stream again: Choose states the same probabilities (from the same draws), then draws the arm;
                // the propensity it records is exactly the stated probability of the arm it chose.
                var choose = new PolicyRandom(7, user + history.Length);
                var (arm, propensity) = policy.Choose(user, ref choose);
                Assert.Contains(arm, policy.Arms);
                Assert.Equal(p[policy.IndexOf(arm)], propensity);
                Assert.InRange(propensity, double.Epsilon, 1);
            }
        }, iter: 100);
    }

    [Theory]
    [InlineData("fixed:cf", 0)]
    [InlineData("fixed:image", 1)]
    [InlineData("fixed:0.25", 0.25)]
    public void A_fixed_policy_always_serves_its_arm_with_propensity_1(string name, double blend)
    {
        var policy = SessionPolicies.Bandit(PolicySpec.Parse(name, PolicyUse.ClosedLoop, "policy"), BanditArms.Blend, s_world);
        for (int session = 0; session < 20; session++)
        {
            var random = new PolicyRandom(1, session);
            Assert.Equal(new ArmChoice(new Arm(blend), 1.0), policy.Choose(session % 5, ref random));
        }
    }

    [Fact]
    public void Epsilon_greedy_serves_each_untried_arm_first_then_the_best_with_1_minus_epsilon_plus_its_share()
    {
        var policy = SessionPolicies.Bandit(PolicySpec.Parse("epsilon-greedy:0.2", PolicyUse.ClosedLoop, "policy"), BanditArms.Two, s_world);
        var random = new EntityRandom(1, RandomStream.PolicyDraws, 0);
        Span<double> p = stackalloc double[2];

        policy.Probabilities(0, ref random, p);
        Assert.Equal([1.0, 0.0], p.ToArray());
        policy.Learn(0, Arm.Cf, 0);
        policy.Probabilities(0, ref random, p);
        Assert.Equal([0.0, 1.0], p.ToArray());
        policy.Learn(0, Arm.Image, 1);
        policy.Probabilities(0, ref random, p);
        Assert.Equal(0.1, p[0], 12); // ε / 2
        Assert.Equal(0.9, p[1], 12); // 1 − ε + ε / 2
    }

    [Theory]
    [InlineData("thompson")]
    [InlineData("ucb1")]
    [InlineData("hierarchical-thompson")]
    public void Regret_never_decreases_and_two_runs_with_the_same_seed_are_identical_on_any_thread_count(string name)
    {
        var options = SimulatedRun.ShortOptions(1_500, 400, days: 28);
        var one = ClosedLoop.Run(options, name, BanditArms.Blend, threads: 1, TestContext.Current.CancellationToken);
        var two = ClosedLoop.Run(options, name, BanditArms.Blend, threads: 2, TestContext.Current.CancellationToken);

        Assert.Equal(28, one.Days.Length);
        Assert.True(one.Summary.Sessions > 1_000, $"only {one.Summary.Sessions} sessions");
        for (int d = 1; d < one.Days.Length; d++)
        {
            Assert.True(one.Days[d].CumulativeRegret >= one.Days[d - 1].CumulativeRegret, $"regret fell on day {d + 1}");
            Assert.True(one.Days[d].ExpectedReward <= one.Days[d].OracleReward + 1e-9, $"day {d + 1}: more expected reward than the oracle");
        }

        Assert.Equal(one.Summary with { Arms = [], PolicyArms = [], OracleArms = [] }, two.Summary with { Arms = [], PolicyArms = [], OracleArms = [] }); // ImmutableArray compares by reference
        Assert.Equal(one.Days.Select(d => d with { ArmShares = [] }), two.Days.Select(d => d with { ArmShares = [] }));
        Assert.Equal(one.Days.SelectMany(d => d.ArmShares), two.Days.SelectMany(d => d.ArmShares));
        Assert.Equal(one.Users.Select(u => (u.Sessions, u.Reward, u.MostChosen, u.Learned)), two.Users.Select(u => (u.Sessions, u.Reward, u.MostChosen, u.Learned)));
    }

    [Fact]
    public void Policies_with_the_same_seed_see_the_same_sessions_common_random_numbers()
    {
        var options = SimulatedRun.ShortOptions(1_500, 400, days: 21);
        var a = ClosedLoop.Run(options, "uniform", BanditArms.Two, 2, TestContext.Current.CancellationToken);
        var b = ClosedLoop.Run(options, "thompson", BanditArms.Two, 2, TestContext.Current.CancellationToken);

        // Same users, same session times: every day has the same number of sessions, every user the same count.
        Assert.Equal(a.Days.Select(d => d.Sessions), b.Days.Select(d => d.Sessions));
        Assert.Equal(a.Users.Select(u => u.Sessions), b.Users.Select(u => u.Sessions));
        Assert.NotEqual(a.Summary.Reward, b.Summary.Reward);
    }

    [Theory]
    [InlineData("nonsense", "must be one of")]
    [InlineData("epsilon-greedy:2", "[0, 1]")]
    [InlineData("fixed:x", "[0, 1]")]
    public void Unknown_policies_are_refused_with_the_reason(string name, string reason)
    {
        Assert.False(PolicySpec.TryParse(name, PolicyUse.ClosedLoop, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<RecSynth.Configuration.OptionsException>(() => ClosedLoop.Run(Scenario.Defaults(100, 10), name, BanditArms.Two, 1, TestContext.Current.CancellationToken));
    }
}

using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>docs/design.md §3.4: preference_consistency ∈ [0.7, 1.0] uniform (users.consistency_min / consistency_max), 4 decimals.</summary>
public sealed class PreferenceConsistencyTests(UserSample sample) : IClassFixture<UserSample>
{
    private readonly User[] _users = sample.Users;

    [Fact]
    public void Consistency_is_in_0_7_to_1_with_four_decimals() =>
        Expect.All(_users, u => u.PreferenceConsistency is >= 0.7 and <= 1.0 && Stats.HasAtMostDecimals(u.PreferenceConsistency, 4),
            u => $"U{u.Index}: {u.PreferenceConsistency:R}", "preference_consistency in [0.7, 1] with four decimals");

    [Fact]
    public void Consistency_is_uniform_over_0_7_to_1()
    {
        // Uniform on [0.7, 1]: mean 0.85, sd 0.3/√12 = 0.0866, standard error of the mean 0.00019 at n = 200,000.
        // Kolmogorov–Smirnov bound 1.95/√n = 0.0044 plus the rounding to 4 decimals (0.00005/0.3 of the CDF).
        double[] c = [.. _users.Select(u => u.PreferenceConsistency)];
        Stats.AssertNear(0.85, Stats.Mean(c), Stats.Z * 0.0866 / Math.Sqrt(c.Length), "mean consistency");
        double ks = Stats.KolmogorovSmirnov(c, x => Math.Clamp((x - 0.7) / 0.3, 0, 1));
        Assert.True(ks < Stats.KolmogorovSmirnovBound(c.Length, 0.00005 / 0.3), $"Kolmogorov–Smirnov distance to U(0.7, 1) is {ks}");
    }

    [Fact]
    public void The_range_is_configurable()
    {
        var options = Scenario.Defaults(users: 20_000).WithUsers(u => u with { ConsistencyMin = 0.2, ConsistencyMax = 0.4 });
        double[] c = [.. UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray().Select(u => u.PreferenceConsistency)];
        Expect.All(c, x => x is >= 0.2 and <= 0.4, x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "consistency in [0.2, 0.4]");
        Stats.AssertNear(0.3, Stats.Mean(c), Stats.Z * (0.2 / Math.Sqrt(12)) / Math.Sqrt(c.Length), "mean consistency");
    }
}

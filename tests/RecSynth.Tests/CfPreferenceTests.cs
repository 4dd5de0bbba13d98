using System.Collections.Immutable;
using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §3.3, cf_preference ∈ [0, 1]: Beta(2, 2) by default, 4 decimals; optionally its mean depends on the
/// age group (users.cf_preference.by_age_group, Beta with the group's mean and
/// users.cf_preference.age_group_concentration).
/// </summary>
public sealed class CfPreferenceTests(UserSample sample) : IClassFixture<UserSample>
{
    private readonly User[] _users = sample.Users;

    [Fact]
    public void Cf_preference_is_in_0_1_with_four_decimals() =>
        Expect.All(_users, u => u.CfPreference is >= 0 and <= 1 && Stats.HasAtMostDecimals(u.CfPreference, 4),
            u => $"U{u.Index}: {u.CfPreference:R}", "cf_preference in [0, 1] with four decimals");

    [Fact]
    public void Tiny_beta_shapes_give_a_u_shaped_preference_not_nan()
    {
        // Beta(0.02, 0.02) puts almost all mass near 0 and 1, half on each side; computing X/(X+Y) directly
        // underflows both Gammas to 0 and yields NaN. n = 20,000: the share above 0.5 has sd 0.0035, so ±0.02 is > 5σ.
        var options = Scenario.Defaults(products: 10, users: 20_000).WithUsers(u => u with { CfPreference = u.CfPreference with { Alpha = 0.02, Beta = 0.02 } });
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Expect.All(users, u => double.IsFinite(u.CfPreference) && u.CfPreference is >= 0 and <= 1, u => $"U{u.Index}: {u.CfPreference}", "a finite preference in [0, 1]");
        Stats.AssertNear(0.5, users.Count(u => u.CfPreference > 0.5) / (double)users.Length, 0.02, "share above 0.5");
        Assert.True(users.Count(u => u.CfPreference is < 0.01 or > 0.99) > 0.9 * users.Length, "most mass sits at the ends");
    }

    [Fact]
    public void Cf_preference_has_the_moments_of_beta_2_2()
    {
        // Beta(2, 2): mean 1/2, variance ab/((a+b)²(a+b+1)) = 0.05, fourth central moment 0.00536. n = 200,000:
        // standard errors √(0.05/n) = 0.0005 for the mean and √((0.00536 − 0.05²)/n) = 0.00012 for the variance;
        // 5σ bands. Rounding to 4 decimals adds a variance of 1e-8/12, negligible.
        double[] cf = [.. _users.Select(u => u.CfPreference)];
        Stats.AssertNear(0.5, Stats.Mean(cf), Stats.Z * Math.Sqrt(0.05 / cf.Length), "mean cf_preference");
        Stats.AssertNear(0.05, Stats.Variance(cf), Stats.Z * Math.Sqrt((0.00536 - 0.0025) / cf.Length), "variance of cf_preference");
    }

    [Fact]
    public void Cf_preference_follows_the_beta_2_2_distribution()
    {
        // Beta(2, 2) has CDF 3x² − 2x³. Kolmogorov–Smirnov at n = 200,000: bound 1.95/√n = 0.0044, plus the
        // rounding to 4 decimals, which shifts the CDF by at most 0.00005 × the largest density 1.5.
        double ks = Stats.KolmogorovSmirnov(_users.Select(u => u.CfPreference), x => 3 * x * x - 2 * x * x * x);
        Assert.True(ks < Stats.KolmogorovSmirnovBound(_users.Length, 0.00005 * 1.5), $"Kolmogorov–Smirnov distance to Beta(2, 2) is {ks}");
    }

    [Fact]
    public void Alpha_and_beta_are_configurable()
    {
        // Beta(5, 1): mean 5/6, variance 5/(36 · 7) = 0.0198. n = 50,000: standard error of the mean 0.00063.
        var options = Scenario.Defaults(users: 50_000).WithUsers(u => u with { CfPreference = u.CfPreference with { Alpha = 5, Beta = 1 } });
        double[] cf = [.. UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray().Select(u => u.CfPreference)];
        Stats.AssertNear(5.0 / 6, Stats.Mean(cf), Stats.Z * Math.Sqrt(0.0198 / cf.Length), "mean cf_preference of Beta(5, 1)");
        Stats.AssertNear(5.0 / 252, Stats.Variance(cf), 0.001, "variance of cf_preference of Beta(5, 1)");
    }

    [Fact]
    public void Without_by_age_group_the_age_groups_do_not_differ_beyond_sampling_error()
    {
        // Each group (at least 20,000 users) has mean 0.5 with standard error √(0.05 / n_group) ≤ 0.0016.
        foreach (var group in _users.GroupBy(u => u.AgeGroup))
        {
            int n = group.Count();
            Stats.AssertNear(0.5, group.Average(u => u.CfPreference), Stats.Z * Math.Sqrt(0.05 / n), "mean cf_preference of age group " + sample.Population.AgeGroups[group.Key]);
        }
    }

    [Fact]
    public void With_by_age_group_each_age_group_has_its_configured_mean()
    {
        // Beta with mean m and concentration 10 has variance m(1 − m)/11; groups of ≥ 20,000 users give standard errors
        // of the mean ≤ 0.0011, 5σ bands. The default means (0.3 … 0.7) are 0.1 apart.
        var options = Scenario.Defaults(users: UserSample.Count).WithUsers(u => u with { CfPreference = u.CfPreference with { ByAgeGroup = true } });
        AssertGroupMeans(options);
    }

    [Fact]
    public void With_by_age_group_the_configured_means_are_used_whatever_their_order()
    {
        ImmutableArray<NamedNumber> means = [new("55+", 0.15), new("18-24", 0.85), new("45-54", 0.5), new("35-44", 0.25), new("25-34", 0.6)];
        var options = Scenario.Defaults(users: 100_000).WithUsers(u => u with { CfPreference = u.CfPreference with { ByAgeGroup = true, AgeGroupMeans = means } });
        AssertGroupMeans(options);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(40)]
    public void With_by_age_group_the_spread_within_a_group_follows_the_concentration(double concentration)
    {
        var options = Scenario.Defaults(users: 100_000).WithUsers(u => u with { CfPreference = u.CfPreference with { ByAgeGroup = true, AgeGroupConcentration = concentration } });
        var population = UserPopulation.Generate(options, TestContext.Current.CancellationToken);
        var means = options.Users.CfPreference.AgeGroupMeans.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
        foreach (var group in population.Users.ToArray().GroupBy(u => u.AgeGroup))
        {
            string name = population.AgeGroups[group.Key];
            double m = means[name];
            double expected = m * (1 - m) / (concentration + 1);
            double[] values = [.. group.Select(u => u.CfPreference)];
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);

            // The sample variance's standard error is at most σ²·√(2 / n) for a distribution no more heavy-tailed than
            // the normal (a Beta of concentration ≥ 2 is lighter); groups of thousands of users, 5σ bands.
            Stats.AssertNear(expected, variance, Stats.Z * expected * Math.Sqrt(2.0 / values.Length), "variance of cf_preference in age group " + name);
        }
    }

    private static void AssertGroupMeans(RecSynthOptions options)
    {
        var population = UserPopulation.Generate(options, TestContext.Current.CancellationToken);
        var means = options.Users.CfPreference.AgeGroupMeans.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
        double concentration = options.Users.CfPreference.AgeGroupConcentration;
        foreach (var group in population.Users.ToArray().GroupBy(u => u.AgeGroup))
        {
            string name = population.AgeGroups[group.Key];
            double m = means[name];
            int n = group.Count();
            double sd = Math.Sqrt(m * (1 - m) / (concentration + 1));
            Stats.AssertNear(m, group.Average(u => u.CfPreference), Stats.Z * sd / Math.Sqrt(n), "mean cf_preference of age group " + name);
        }
    }
}

using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §3.6, signed_up_at: most users exist at the start (signed up uniformly within
/// users.joined_before_days, default 730, before it); a share (default 20 %) joins during the simulation.
/// </summary>
public sealed class UserSignUpTests(UserSample sample) : IClassFixture<UserSample>
{
    private readonly User[] _users = sample.Users;

    [Fact]
    public void About_a_fifth_of_the_users_join_during_the_window()
    {
        // n = 200,000, p = 0.2: standard error 0.0009; 5σ band.
        double share = _users.Count(u => u.SignedUpAt >= Scenario.Start) / (double)_users.Length;
        Stats.AssertNear(0.2, share, Stats.Z * Stats.ProportionError(0.2, _users.Length), "share joining during the window");
    }

    [Fact]
    public void Users_who_join_during_the_window_join_before_its_end() =>
        Expect.All(_users.Where(u => u.SignedUpAt >= Scenario.Start), u => u.SignedUpAt < Scenario.End, u => $"U{u.Index} at {u.SignedUpAt}", "signed up before the end");

    [Fact]
    public void The_others_signed_up_within_730_days_before_the_start() =>
        Expect.All(_users.Where(u => u.SignedUpAt < Scenario.Start), u => u.SignedUpAt >= Scenario.Start - 730 * Scenario.Day,
            u => $"U{u.Index} {(Scenario.Start - u.SignedUpAt) / (double)Scenario.Day:F1} days before", "signed up within 730 days before the start");

    [Fact]
    public void Sign_up_dates_are_spread_uniformly_over_their_periods()
    {
        // Before: uniform over 730 days, mean 365, sd 730/√12 = 210.7, standard error 0.53 days with ~160,000
        // users. During: uniform over 365 days, mean 182.5, sd 105.4, standard error 0.53 days with ~40,000 users.
        double[] before = [.. _users.Where(u => u.SignedUpAt < Scenario.Start).Select(u => (Scenario.Start - u.SignedUpAt) / (double)Scenario.Day)];
        double[] during = [.. _users.Where(u => u.SignedUpAt >= Scenario.Start).Select(u => (u.SignedUpAt - Scenario.Start) / (double)Scenario.Day)];
        Stats.AssertNear(365, Stats.Mean(before), Stats.Z * 730 / Math.Sqrt(12) / Math.Sqrt(before.Length), "mean days signed up before the start");
        Stats.AssertNear(182.5, Stats.Mean(during), Stats.Z * 365 / Math.Sqrt(12) / Math.Sqrt(during.Length), "mean days joined after the start");
    }

    [Fact]
    public void The_share_and_days_are_configurable()
    {
        var options = Scenario.Defaults(users: 40_000).WithUsers(u => u with { JoinedDuringShare = 0.5, JoinedBeforeDays = 10 });
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        double share = users.Count(u => u.SignedUpAt >= Scenario.Start) / (double)users.Length;
        Stats.AssertNear(0.5, share, Stats.Z * Stats.ProportionError(0.5, users.Length), "share joining during the window");
        Expect.All(users, u => u.SignedUpAt >= Scenario.Start - 10 * Scenario.Day && u.SignedUpAt < Scenario.End, u => $"U{u.Index} at {u.SignedUpAt}", "within 10 days before the start or during the window");
    }
}

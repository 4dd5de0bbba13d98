using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §3.7, preference drift (off by default): a configurable share of users changes cf_preference at
/// drift_at (within the simulated period, after they signed up) to cf_preference_after (a fresh draw in [0, 1]); empty
/// otherwise.
/// </summary>
public sealed class PreferenceDriftTests(UserSample sample, DriftingUserSample drifting) : IClassFixture<UserSample>, IClassFixture<DriftingUserSample>
{
    [Fact]
    public void Drift_is_off_by_default() =>
        Expect.All(sample.Users, u => u.DriftAt is null && u.CfPreferenceAfter is null, u => $"U{u.Index} drifts at {u.DriftAt}", "no drift by default");

    [Fact]
    public void About_the_configured_share_of_users_drift()
    {
        // share 0.3 over 200,000 users: standard error 0.001; 5σ band.
        var users = drifting.Users;
        double share = users.Count(u => u.DriftAt is not null) / (double)users.Length;
        Stats.AssertNear(0.3, share, Stats.Z * Stats.ProportionError(0.3, users.Length), "share of drifting users");
        Expect.All(users, u => (u.DriftAt is null) == (u.CfPreferenceAfter is null), u => $"U{u.Index}: {u.DriftAt}, {u.CfPreferenceAfter}", "drift_at and cf_preference_after set together");
    }

    [Fact]
    public void Drift_happens_within_the_window_and_after_sign_up()
    {
        var users = drifting.Users;
        Expect.All(users.Where(u => u.DriftAt is not null), u => u.DriftAt >= Scenario.Start && u.DriftAt < Scenario.End && u.DriftAt > u.SignedUpAt,
            u => $"U{u.Index} signed up at {u.SignedUpAt}, drifts at {u.DriftAt}", $"drift_at in [{Scenario.Start}, {Scenario.End}) and after signed_up_at");
    }

    [Fact]
    public void The_preference_after_drift_is_a_fresh_draw_in_0_1_with_four_decimals()
    {
        // ~60,000 drifting users. cf_preference_after ~ Beta(2, 2): mean 0.5 with standard error √(0.05/n) = 0.0009;
        // independent of cf_preference: their correlation has a standard error of 1/√n = 0.004. 5σ bands.
        var drifters = drifting.Users.Where(u => u.DriftAt is not null).ToArray();
        Expect.All(drifters, u => u.CfPreferenceAfter is >= 0 and <= 1 && Stats.HasAtMostDecimals(u.CfPreferenceAfter.Value, 4),
            u => $"U{u.Index}: {u.CfPreferenceAfter:R}", "cf_preference_after in [0, 1] with four decimals");
        double[] after = [.. drifters.Select(u => u.CfPreferenceAfter!.Value)];
        double[] before = [.. drifters.Select(u => u.CfPreference)];
        int n = after.Length;
        Stats.AssertNear(0.5, Stats.Mean(after), Stats.Z * Math.Sqrt(0.05 / n), "mean cf_preference_after");
        Stats.AssertNear(0.05, Stats.Variance(after), Stats.Z * Math.Sqrt((0.00536 - 0.0025) / n), "variance of cf_preference_after");
        double correlation = Enumerable.Range(0, n).Average(i => (after[i] - 0.5) * (before[i] - 0.5)) / 0.05;
        Stats.AssertNear(0, correlation, Stats.Z / Math.Sqrt(n), "correlation of cf_preference and cf_preference_after");
    }

    [Fact]
    public void Drift_dates_spread_over_the_window()
    {
        // For users who exist at the start, drift_at is uniform over the 365-day window: mean 182.5 days, standard
        // error 105.4/√n ≈ 0.5 days for ~48,000 users; 5σ band.
        var early = drifting.Users.Where(u => u.DriftAt is not null && u.SignedUpAt < Scenario.Start).ToArray();
        double[] days = [.. early.Select(u => (u.DriftAt!.Value - Scenario.Start) / (double)Scenario.Day)];
        Stats.AssertNear(182.5, Stats.Mean(days), Stats.Z * 365 / Math.Sqrt(12) / Math.Sqrt(days.Length), "mean drift day");
    }

    [Fact]
    public void Turning_drift_on_changes_nothing_else()
    {
        var plain = sample.Users;
        for (int i = 0; i < plain.Length; i++)
        {
            var expected = plain[i];
            var actual = drifting.Users[i] with { DriftAt = null, CfPreferenceAfter = null };
            if (expected != actual)
            {
                Assert.Fail($"U{i} differs beyond drift: {expected} vs {actual}");
            }
        }
    }

    [Fact]
    public void With_a_share_of_one_every_user_drifts()
    {
        var users = Drifting(1.0, 20_000);
        Expect.All(users, u => u.DriftAt is not null, u => $"U{u.Index}", "every user drifts");
    }

    [Fact]
    public void A_user_who_signs_up_in_the_last_second_of_the_window_does_not_drift_after_it_ends()
    {
        // A 10-second window and everyone joining during it: a tenth of the users sign up in its last second
        // (start + 9). They cannot drift within the window after signing up, so they must not be given a drift_at
        // at all; a drift_at equal to time.end (exclusive) lies outside the simulated period.
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = Scenario.Defaults(users: 2_000).WithUsers(u => u with { JoinedDuringShare = 1, Drift = new DriftOptions { Share = 1 } })
            with { Time = new TimeWindowOptions { Start = start, End = start.AddSeconds(10) } };
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Assert.Contains(users, u => u.SignedUpAt == Scenario.Start + 9);
        Expect.All(users.Where(u => u.DriftAt is not null), u => u.DriftAt < Scenario.Start + 10 && u.DriftAt > u.SignedUpAt,
            u => $"U{u.Index} signed up at start + {u.SignedUpAt - Scenario.Start} s, drifts at start + {u.DriftAt - Scenario.Start} s", "drift_at after sign-up and before the end");
    }

    private static User[] Drifting(double share, int count) =>
        UserPopulation.Generate(Scenario.Defaults(users: count).WithUsers(u => u with { Drift = new DriftOptions { Share = share } }), TestContext.Current.CancellationToken).Users.ToArray();
}

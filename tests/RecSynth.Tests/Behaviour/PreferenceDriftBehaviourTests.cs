using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §3.7 and §4.9, preference drift: at drift_at a user's cf_preference becomes cf_preference_after, and
/// from then on the source multiplier uses the new preference. cf_preference_after is a fresh draw, independent of
/// cf_preference, so after drift the users' reward advantage of cf over image must follow the new preference and not
/// the old.
/// </summary>
public sealed class PreferenceDriftBehaviourTests(DriftRun fixture) : IClassFixture<DriftRun>
{
    private readonly SimulatedRun _run = fixture.Simulation;

    [Fact]
    public void Every_user_drifts_within_the_period()
    {
        Expect.All(_run.World.UserList, u => u.DriftAt is not null || u.SignedUpAt + 1 >= _run.Options.Time.EndSeconds,
            u => $"U{u.Index} does not drift", "everyone drifts with share 1");
    }

    [Fact]
    public void After_drift_rewards_follow_the_new_preference()
    {
        // Sessions after drift_at. Contrast = (cf − image reward rate of users leaning cf) − (the same of users
        // leaning image), users split once by cf_preference_after and once by cf_preference (>= 0.7 against
        // <= 0.3). Its standard error is √Σ r(1 − r)/n over the four rates (≈ 0.03 here). Split by the new
        // preference the contrast must be clearly positive (> 5σ); split by the old, which is independent of the
        // new, it must vanish (within 5σ of 0).
        var after = Contrast(s => s.StartedAt >= Drift(s), u => u.CfPreferenceAfter!.Value);
        var before = Contrast(s => s.StartedAt >= Drift(s), u => u.CfPreference);
        Report($"after drift: contrast by cf_preference_after {after.Value:F3} ± {after.Error:F3}, by cf_preference {before.Value:F3} ± {before.Error:F3}");
        Assert.True(after.Value > Stats.Z * after.Error, $"after drift, split by cf_preference_after: contrast {after.Value:F3} is not beyond 5 × {after.Error:F3}");
        Stats.AssertNear(0, before.Value, Stats.Z * before.Error, "after drift, split by the old cf_preference: contrast");
    }

    [Fact]
    public void Before_drift_rewards_follow_the_original_preference()
    {
        // The mirror image: before drift_at the old preference counts and the new one does not.
        var before = Contrast(s => s.StartedAt < Drift(s), u => u.CfPreference);
        var after = Contrast(s => s.StartedAt < Drift(s), u => u.CfPreferenceAfter!.Value);
        Report($"before drift: contrast by cf_preference {before.Value:F3} ± {before.Error:F3}, by cf_preference_after {after.Value:F3} ± {after.Error:F3}");
        Assert.True(before.Value > Stats.Z * before.Error, $"before drift, split by cf_preference: contrast {before.Value:F3} is not beyond 5 × {before.Error:F3}");
        Stats.AssertNear(0, after.Value, Stats.Z * after.Error, "before drift, split by cf_preference_after: contrast");
    }

    [Fact]
    public void After_drift_cf_leaning_users_prefer_cf_and_image_leaning_users_prefer_image()
    {
        // By cf_preference_after alone, on sessions after drift: each group's own advantage beyond 5σ.
        var users = _run.World.UserList;
        var sessions = _run.Sessions.Where(s => s.StartedAt >= Drift(s)).ToArray();
        var cfLeaning = Rates(sessions.Where(s => users[s.User].CfPreferenceAfter >= 0.7));
        var imageLeaning = Rates(sessions.Where(s => users[s.User].CfPreferenceAfter <= 0.3));
        Report($"after drift, cf_preference_after >= 0.7: cf {cfLeaning.Cf:F3} (n {cfLeaning.CfCount}), image {cfLeaning.Image:F3} (n {cfLeaning.ImageCount}); <= 0.3: cf {imageLeaning.Cf:F3}, image {imageLeaning.Image:F3}");
        Assert.True(cfLeaning.Cf - cfLeaning.Image > Stats.Z * cfLeaning.Error, $"cf-leaning after drift: cf {cfLeaning.Cf:F3} vs image {cfLeaning.Image:F3}");
        Assert.True(imageLeaning.Image - imageLeaning.Cf > Stats.Z * imageLeaning.Error, $"image-leaning after drift: image {imageLeaning.Image:F3} vs cf {imageLeaning.Cf:F3}");
    }

    private long Drift(SessionRecord s) => _run.World.UserList[s.User].DriftAt ?? long.MaxValue;

    private (double Value, double Error) Contrast(Func<SessionRecord, bool> sessions, Func<RecSynth.Users.User, double> preference)
    {
        var users = _run.World.UserList;
        var selected = _run.Sessions.Where(sessions).ToArray();
        var high = Rates(selected.Where(s => preference(users[s.User]) >= 0.7));
        var low = Rates(selected.Where(s => preference(users[s.User]) <= 0.3));
        return ((high.Cf - high.Image) - (low.Cf - low.Image), Math.Sqrt(high.Error * high.Error + low.Error * low.Error));
    }

    /// <summary>Reward rates of cf and image sessions and the standard error of their difference.</summary>
    private static (double Cf, double Image, int CfCount, int ImageCount, double Error) Rates(IEnumerable<SessionRecord> sessions)
    {
        var list = sessions.ToArray();
        var cf = list.Where(s => s.Arm == Arm.Cf).ToArray();
        var image = list.Where(s => s.Arm == Arm.Image).ToArray();
        double rc = cf.Average(s => (double)s.Reward), ri = image.Average(s => (double)s.Reward);
        return (rc, ri, cf.Length, image.Length, Math.Sqrt(rc * (1 - rc) / cf.Length + ri * (1 - ri) / image.Length));
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

using RecSynth.Configuration;
using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §3.1: age_group, primary_style, price_sensitivity and sustainability_focus follow their configured
/// relative frequencies (chi-square over 200,000 users against the p ≈ 3e-7 bound of
/// <see cref="Stats.ChiSquareBound"/>).
/// </summary>
public sealed class UserAttributeTests(UserSample sample) : IClassFixture<UserSample>
{
    private readonly User[] _users = sample.Users;
    private readonly UserOptions _options = sample.Options.Users;

    [Fact]
    public void Age_groups_follow_their_weights() =>
        Stats.AssertFollowsWeights(_users.Select(u => (int)u.AgeGroup), [.. _options.AgeGroups.Select(a => a.Weight)], "age group");

    [Fact]
    public void Price_sensitivity_follows_its_weights() =>
        Stats.AssertFollowsWeights(_users.Select(u => (int)u.PriceSensitivity), Levels(_options.PriceSensitivity), "price sensitivity");

    [Fact]
    public void Sustainability_focus_follows_its_weights() =>
        Stats.AssertFollowsWeights(_users.Select(u => (int)u.SustainabilityFocus), Levels(_options.SustainabilityFocus), "sustainability focus");

    [Fact]
    public void Primary_styles_follow_the_catalogue_style_weights() =>
        Stats.AssertFollowsWeights(_users.Select(u => (int)u.PrimaryStyle), [.. sample.Options.Catalog.Styles.Select(s => s.Weight)], "primary style");

    [Fact]
    public void Configured_weights_are_followed_and_zero_weights_never_drawn()
    {
        var options = Scenario.Defaults(users: 50_000).WithUsers(u => u with
        {
            AgeGroups = [new("young", 3), new("middle", 0), new("old", 1)],
            PriceSensitivity = new LevelWeights(0, 1, 1),
            SustainabilityFocus = new LevelWeights(0.7, 0.2, 0.1),
        });
        var users = UserPopulation.Generate(options, TestContext.Current.CancellationToken).Users.ToArray();
        Stats.AssertFollowsWeights(users.Select(u => (int)u.AgeGroup), [3, 0, 1], "age group");
        Stats.AssertFollowsWeights(users.Select(u => (int)u.PriceSensitivity), [0, 1, 1], "price sensitivity");
        Stats.AssertFollowsWeights(users.Select(u => (int)u.SustainabilityFocus), [0.7, 0.2, 0.1], "sustainability focus");
    }

    private static double[] Levels(LevelWeights levels) => [levels.Low, levels.Medium, levels.High];
}

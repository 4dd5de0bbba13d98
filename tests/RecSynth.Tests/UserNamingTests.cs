using RecSynth.Tests.Support;
using RecSynth.Users;

namespace RecSynth.Tests;

/// <summary>docs/design.md §3 and §3.1: user ids are U000000, U000001, … (6 digits, more when needed), in row order; the level and age group names.</summary>
public sealed class UserNamingTests
{
    [Theory]
    [InlineData(0, 5_000, "U000000")]
    [InlineData(1, 5_000, "U000001")]
    [InlineData(42, 11, "U000042")]
    [InlineData(0, 1, "U000000")]
    [InlineData(999_999, 1_000_000, "U999999")]
    [InlineData(5, 1_000_001, "U0000005")]
    [InlineData(1_000_000, 1_000_001, "U1000000")]
    [InlineData(123, 2_000_000_000, "U0000000123")]
    public void The_user_id_has_six_digits_or_as_many_as_the_largest_index_needs(int index, int userCount, string expected) =>
        Assert.Equal(expected, UserPopulation.UserId(index, userCount));

    [Fact]
    public void All_ids_of_a_population_have_the_same_width_and_are_distinct()
    {
        const int count = 1_000_001;
        var ids = new[] { 0, 1, 99_999, 999_999, 1_000_000 }.Select(i => UserPopulation.UserId(i, count)).ToArray();
        Assert.All(ids, id => Assert.Equal(8, id.Length));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Users_come_in_id_order()
    {
        var population = UserPopulation.Generate(Scenario.Defaults(users: 10_000), TestContext.Current.CancellationToken);
        var users = population.Users;
        Assert.Equal(10_000, users.Length);
        for (int i = 0; i < users.Length; i++)
        {
            Assert.Equal(i, users[i].Index);
        }
    }

    [Fact]
    public void Age_groups_and_levels_have_the_spec_names()
    {
        var population = UserPopulation.Generate(Scenario.Defaults(users: 10), TestContext.Current.CancellationToken);
        Assert.Equal(["18-24", "25-34", "35-44", "45-54", "55+"], population.AgeGroups);
        Assert.Equal(["Low", "Medium", "High"], UserPopulation.Levels);
    }
}

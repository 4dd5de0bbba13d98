using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Tests.Support;

/// <summary>
/// 200,000 users of the default scenario (seed 42), generated once per test class that uses it.
/// At 200,000 draws a share has a standard error of at most 0.0011.
/// </summary>
public sealed class UserSample
{
    public const int Count = 200_000;

    public UserSample()
    {
        Options = Scenario.Defaults(users: Count);
        Population = UserPopulation.Generate(Options, TestContext.Current.CancellationToken);
        Users = Population.Users.ToArray();
    }

    public RecSynthOptions Options { get; }

    public UserPopulation Population { get; }

    public User[] Users { get; }
}

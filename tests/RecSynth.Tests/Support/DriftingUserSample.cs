using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Tests.Support;

/// <summary>The 200,000 users of <see cref="UserSample"/> with users.drift.share = 0.3, generated once per test class.</summary>
public sealed class DriftingUserSample
{
    public DriftingUserSample()
    {
        Options = Scenario.Defaults(users: UserSample.Count).WithUsers(u => u with { Drift = new DriftOptions { Share = 0.3 } });
        Users = UserPopulation.Generate(Options, TestContext.Current.CancellationToken).Users.ToArray();
    }

    public RecSynthOptions Options { get; }

    public User[] Users { get; }
}

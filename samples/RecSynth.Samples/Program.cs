// Your own bandit in RecSynth's closed loop, through the library's public API: a small world from a config, a policy
// written here (explore-then-commit), and its regret against the ground truth beside built-in Thompson sampling on the
// same users and random streams. Run it: dotnet run --project samples/RecSynth.Samples
using System.Globalization;
using RecSynth.Bandits;
using RecSynth.Files.Config;
using RecSynth.Samples;
using RecSynth.Simulation;

const string Config = """
    seed = 7

    [catalog]
    count = 2000

    [users]
    count = 600

    [time]
    start = 2023-01-01T00:00:00Z
    end = 2023-04-01T00:00:00Z
    """;

var options = ConfigFile.Parse(Config, "sample.toml");
var world = SimulationWorld.Build(options, Environment.ProcessorCount);
ISessionPolicy[] policies =
[
    new ExploreThenCommit(world.UserCount, tries: 3),
    SessionPolicies.Bandit(PolicySpec.Parse("thompson", PolicyUse.ClosedLoop, "policy"), BanditArms.Two, world),
];

foreach (var policy in policies)
{
    var result = ClosedLoop.Run(world, new SimulationSetup { Policy = policy }, BanditArms.Two, null, null, CancellationToken.None);
    var s = result.Summary;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{s.Policy,-24} rewarded {s.Reward,6:N0} of {s.Sessions:N0} sessions, regret {s.Regret,7:N1}, best arm found for {s.OptimalLearnedShare:P1} of {s.Users:N0} users"));
}

// The README's example: the seed preset's world, Thompson sampling over two arms, then the files of a dataset (written
// under a temporary folder, not where the sample was started).
var scratch = Directory.CreateTempSubdirectory("recsynth-sample-");
Directory.SetCurrentDirectory(scratch.FullName);
try
{
    ReadmeExample.Run();
    Console.WriteLine($"wrote {Directory.GetFiles("generated_data").Length} files");
}
finally
{
    scratch.Delete(recursive: true);
}

using RecSynth.Bandits;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Simulation;

namespace RecSynth.Samples;

/// <summary>The C# example of README.md, "The library", word for word (a test holds the two together).</summary>
internal static class ReadmeExample
{
    public static void Run()
    {
        var options = RecSynthOptions.FromPreset(Preset.Seed) with { Users = new UserOptions { Count = 500 } };
        var world = SimulationWorld.Build(options, threads: 4);                // the catalogue and users, once
        var thompson = PolicySpec.Parse("thompson", PolicyUse.ClosedLoop, "policy");
        var setup = new SimulationSetup { Policy = SessionPolicies.Bandit(thompson, BanditArms.Two, world) };
        var result = ClosedLoop.Run(world, setup, BanditArms.Two, null, null, CancellationToken.None);
        Console.WriteLine($"regret {result.Summary.Regret:N0} over {result.Summary.Sessions:N0} sessions");

        // Or every file of a dataset, as `recsynth generate` writes them:
        DatasetGenerator.Generate(options, new GenerateOptions { Directory = "generated_data", Force = true });
    }
}

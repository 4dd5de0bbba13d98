using System.CommandLine;
using System.Diagnostics;
using RecSynth.Cli.Rendering;
using RecSynth.Files;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth merge SHARD… -o DIR</c>: one call to <see cref="DatasetMerger.Merge"/>.</summary>
internal static class MergeCommand
{
    public static Command Create(Consoles console)
    {
        var shards = new Argument<string[]>("SHARD")
        {
            Description = "The folders written by `generate --shard k/n`, one per shard, in any order",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--output", "-o") { Description = "Folder of the merged dataset", HelpName = "DIR", Required = true };
        var force = new Option<bool>("--force", "-f") { Description = "Write into a non-empty output folder, replacing its dataset" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress and no summary; errors only" };
        var command = new Command("merge", "Join the folders of a sharded run into the dataset an unsharded run writes, byte for byte: behaviour tables merged in file order, every shard file checked against its manifest.")
        {
            shards,
            output,
            force,
            quiet,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string target = result.GetValue(output)!;
            bool silent = result.GetValue(quiet);
            var clock = Stopwatch.StartNew();
            var manifest = ProgressDisplay.Run(console, silent, progress =>
                DatasetMerger.Merge(result.GetValue(shards)!, target, result.GetValue(force), progress, cancellationToken));
            if (!silent)
            {
                Summary.Write(console.Out, Path.GetFullPath(target), manifest, manifest.Stages.Values.First().Seed, clock.Elapsed);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

using System.CommandLine;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Gorse;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth export DIR --format gorse-jsonl</c>: the files Gorse's dashboard bulk import takes.</summary>
internal static class ExportCommand
{
    public static Command Create(Consoles console)
    {
        var dataset = new GorseArguments();
        var format = new Option<string>("--format") { Description = "gorse-jsonl: users.jsonl, items.jsonl, feedback.jsonl for Gorse's bulk import", HelpName = "FORMAT", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the files (default: DIR)", HelpName = "OUT" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No summary; errors only" };
        var command = new Command("export", "Export a dataset for another tool: --format gorse-jsonl writes the JSON Lines files of Gorse's bulk import, with the same rows push sends.");
        dataset.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(quiet);
        command.SetAction((result, cancellationToken) =>
        {
            string chosen = result.GetValue(format)!;
            if (chosen != "gorse-jsonl")
            {
                throw new OptionsException([new("--format", chosen, "must be gorse-jsonl")]);
            }

            string folder = result.GetValue(dataset.Directory)!;
            string destination = result.GetValue(output) ?? folder;
            using var data = GorseDataset.Load(folder, dataset.Options(result), cancellationToken);
            GorseExport.WriteJsonLines(data, destination, cancellationToken);
            if (!result.GetValue(quiet))
            {
                console.StdOut.WriteLine($"wrote {string.Join(", ", GorseExport.Files.Select(f => Path.Combine(destination, f)))}: {data.Describe()}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

using System.CommandLine;
using RecSynth.Cli.Rendering;
using RecSynth.Files;
using RecSynth.Gorse;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth gorse-config DIR</c>: prints a commented Gorse config.toml naming the dataset's feedback types.</summary>
internal static class GorseConfigCommand
{
    public static Command Create(Consoles console)
    {
        var directory = new Argument<string>("DIR") { Description = "The dataset folder", DefaultValueFactory = _ => "generated_data" };
        var command = new Command("gorse-config", "Print a Gorse config.toml for a dataset: its feedback types (view read, the others positive), collaborative filtering, and the image_sim embedding recommender.")
        {
            directory,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string folder = result.GetValue(directory)!;
            var types = new List<string>();
            using (var reader = InteractionsReader.Open(folder))
            {
                while (reader.Read())
                {
                    if (!types.Any(t => reader.FeedbackType.SequenceEqual(t)))
                    {
                        types.Add(reader.FeedbackType.ToString());
                    }
                }
            }

            console.StdOut.Write(GorseConfig.Create(types));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

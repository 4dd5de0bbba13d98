using System.CommandLine;
using RecSynth.Cli.Rendering;
using RecSynth.Reports;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth report DIR [DIR…] [-o FILE]</c>: one call to <see cref="DatasetReport.WriteMany"/>.</summary>
internal static class ReportCommand
{
    public static Command Create(Consoles console)
    {
        var directory = new Argument<string[]>("DIR")
        {
            Description = "The dataset folder, or a comparison's (compare -o); more folders add their learning curves to the same charts (e.g. several simulate runs)",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["generated_data"],
        };
        var output = new Option<string?>("--output", "-o") { Description = $"The report's file (default DIR/{DatasetReport.DefaultFileName})", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print the report's path" };
        var command = new Command("report", "Write one self-contained HTML page with PNG charts: the dataset's distributions (price, popularity tail, cf_preference, embedding similarity by attribute, event mix) and, when DIR has metrics.csv (or a comparison's metrics-<policy>.csv), the learning curves (reward rate, cumulative regret, optimal share, arm shares), one line per run in each chart.")
        {
            directory,
            output,
            quiet,
        };
        command.SetAction((result, cancellationToken) =>
        {
            NativeLibraries.Register();
            string[] folders = result.GetValue(directory) is { Length: > 0 } given ? given : ["generated_data"];
            string path = DatasetReport.WriteMany(folders, result.GetValue(output), cancellationToken);
            if (!result.GetValue(quiet))
            {
                console.StdOut.WriteLine(path);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

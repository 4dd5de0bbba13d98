using System.CommandLine;
using System.Diagnostics;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth generate</c>: one call to <see cref="DatasetGenerator.Generate"/>, with progress and a summary.</summary>
internal static class GenerateCommand
{
    public static Command Create(Consoles console)
    {
        var dataset = new DatasetArguments();
        var stage = new Option<string>("--stage")
        {
            Description = "catalog (products, embeddings, item factors), users, behaviour (sessions and interactions on the catalogue and users in DIR), or all",
            HelpName = "STAGE",
            DefaultValueFactory = _ => "all",
        };
        var force = new Option<bool>("--force", "-f") { Description = "Write into a non-empty output folder, replacing the stage's files" };
        var policy = new Option<string?>("--policy")
        {
            Description = "Logging policy: uniform (cf or image, the default), uniform-blend, fixed:cf, fixed:image, fixed:<blend in [0, 1]>",
            HelpName = "POLICY",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Simulate the behaviour of shard k of n only (0-based, users split by id), e.g. 0/3. With --stage behaviour, into the folder "
                + "with the catalogue and users, as parts of its tables (interactions/part-k.parquet, …) that read as one dataset; with --stage all, "
                + "a folder per shard, which `recsynth merge` joins",
            HelpName = "k/n",
        };
        var format = new Option<string>("--format")
        {
            Description = "Table format: csv (the default), parquet, or csv,parquet (both); embeddings and factors are always .npy",
            HelpName = "FORMAT",
            DefaultValueFactory = _ => "csv",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the options and say what the run needs (memory, disk); write nothing" };
        var command = new Command("generate", "Generate a dataset: products.csv, embeddings.npy, users.csv, a year of behaviour (interactions.csv, sessions.csv, ground_truth.csv) and manifest.json.");
        dataset.AddTo(command);
        command.Options.Add(stage);
        command.Options.Add(policy);
        command.Options.Add(shard);
        command.Options.Add(format);
        command.Options.Add(force);
        command.Options.Add(dryRun);
        command.SetAction((result, cancellationToken) =>
        {
            var settings = dataset.Read(result);
            var problems = new List<OptionProblem>();
            var parsedStage = ParseStage(result.GetValue(stage) ?? "all", problems);
            var options = settings.BuildOptions(problems);
            if (result.GetValue(policy) is { } chosen)
            {
                options = options with { Behaviour = options.Behaviour with { Policy = chosen } };
                if (!RecSynth.Simulation.PolicySpec.TryParse(chosen, RecSynth.Simulation.PolicyUse.Logging, out _, out string? why))
                {
                    problems.Add(new("--policy", chosen, why));
                }
            }

            var formats = ParseFormats(result.GetValue(format) ?? "csv", problems);
            DatasetShard? part = null;
            if (result.GetValue(shard) is { } shardText)
            {
                part = DatasetShard.TryParse(shardText, out string? why);
                if (part is null)
                {
                    problems.Add(new("--shard", shardText, why!));
                }
                else if (parsedStage is DatasetStage.Catalog or DatasetStage.Users)
                {
                    problems.Add(new("--shard", shardText, "shards split the behaviour stage; use it with --stage behaviour or all"));
                }
            }

            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            var output = new GenerateOptions
            {
                Directory = settings.Output, Stage = parsedStage, Threads = settings.ThreadCount, Force = result.GetValue(force), Shard = part, Formats = formats,
            };
            if (result.GetValue(dryRun))
            {
                var estimate = DatasetGenerator.Estimate(options, output);
                console.StdOut.WriteLine(
                    $"dry run: {parsedStage.ToString().ToLowerInvariant()} of {options.Catalog.Count:N0} products and {options.Users.Count:N0} users"
                    + (part is { } s ? $" (shard {s}: {s.UsersOf(options.Users.Count).Count:N0} users simulated)" : "") + $" with --threads {output.Threads} "
                    + $"needs about {Megabytes(estimate.MemoryBytes)} of memory at its peak and {Megabytes(estimate.DiskBytes)} of disk; nothing was written");
                return Task.FromResult(ExitCodes.Success);
            }

            var clock = Stopwatch.StartNew();
            var manifest = ProgressDisplay.Run(console, settings.Quiet, progress => DatasetGenerator.Generate(options, output, progress, cancellationToken));
            if (!settings.Quiet)
            {
                Summary.Write(console.Out, Path.GetFullPath(settings.Output), manifest, options.Seed, clock.Elapsed);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static string Megabytes(long bytes) => bytes >= 1L << 30
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes >> 20:N0} MiB");

    /// <summary>csv, parquet, or both as a comma-separated list (csv,parquet or parquet,csv).</summary>
    internal static DatasetFormats ParseFormats(string text, List<OptionProblem> problems)
    {
        DatasetFormats formats = 0;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "csv":
                    formats |= DatasetFormats.Csv;
                    break;
                case "parquet":
                    formats |= DatasetFormats.Parquet;
                    break;
                default:
                    problems.Add(new("--format", text, "must be csv, parquet, or csv,parquet"));
                    return DatasetFormats.Csv;
            }
        }

        return formats;
    }

    private static DatasetStage ParseStage(string text, List<OptionProblem> problems)
    {
        switch (text.ToLowerInvariant())
        {
            case "all":
                return DatasetStage.All;
            case "catalog":
                return DatasetStage.Catalog;
            case "users":
                return DatasetStage.Users;
            case "behaviour" or "behavior":
                return DatasetStage.Behaviour;
            default:
                problems.Add(new("--stage", text, "must be one of catalog, users, behaviour, all"));
                return DatasetStage.All;
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RecSynth.Bandits;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Gorse;
using RecSynth.Outside;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth simulate</c>: one call to <see cref="DatasetGenerator.Simulate"/>, with progress and a summary.</summary>
internal static class SimulateCommand
{
    public static Command Create(Consoles console)
    {
        var dataset = new DatasetArguments();
        var bandit = new BanditArguments();
        var policy = new Option<string>("--policy")
        {
            Description = "The bandit: " + string.Join(", ", RecSynth.Simulation.PolicySpec.Names(RecSynth.Simulation.PolicyUse.ClosedLoop)) + " (docs/bandits.md)",
            HelpName = "NAME",
        };
        var stage = new Option<string>("--stage")
        {
            Description = "all (catalogue, users and the closed loop) or behaviour (the closed loop on the catalogue and users already in DIR)",
            HelpName = "STAGE",
            DefaultValueFactory = _ => "all",
        };
        var format = new Option<string>("--format") { Description = "Table format: csv, parquet, or csv,parquet", HelpName = "FORMAT", DefaultValueFactory = _ => "csv" };
        var force = new Option<bool>("--force", "-f") { Description = "Write into a non-empty output folder, replacing the stage's files" };
        var command = new Command("simulate", "Run a bandit in the closed loop, day by day, on the generator's users, catalogue and response model: writes the tables of generate plus metrics.csv (per day: reward, regret against the ground truth's optimum, share of users whose best arm found is optimal, arm shares).");
        dataset.AddTo(command);
        command.Options.Add(policy);
        bandit.AddTo(command);
        command.Options.Add(stage);
        command.Options.Add(format);
        command.Options.Add(force);
        command.SetAction((result, cancellationToken) =>
        {
            var settings = dataset.Read(result);
            var problems = new List<OptionProblem>();
            // An outside recommender (slate mode) answers the slates themselves: no policy then; otherwise one is needed.
            string? recommenderText = result.GetValue(bandit.Recommender);
            bool slates = recommenderText is not null && OutsidePolicy.IsOutside(recommenderText);
            string name = result.GetValue(policy) ?? "";
            if (slates && result.GetValue(policy) is { } given)
            {
                problems.Add(new("--policy", given, "an outside recommender (--recommender exec:…|http://…) chooses each slate itself: leave --policy out"));
            }
            else if (!slates && result.GetValue(policy) is null)
            {
                problems.Add(new("--policy", "", "name the policy: " + string.Join(", ", RecSynth.Simulation.PolicySpec.Names(RecSynth.Simulation.PolicyUse.ClosedLoop)) + ", exec:COMMAND or http://HOST:PORT/PATH; or give an outside recommender with --recommender exec:…|http://…"));
            }

            var arms = slates ? BanditArms.Blend : bandit.ReadArms(result, problems);
            var recommender = slates ? Recommender.Oracle : bandit.ReadRecommender(result, problems);
            var gorse = bandit.ReadGorse(result, recommender, problems);
            if (result.GetValue(bandit.GorseCacheSize) is int cacheSize && (cacheSize < 1 || gorse is null))
            {
                problems.Add(new("--gorse-cache-size", cacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    gorse is null ? "is for --recommender gorse" : "must be at least 1 (the server's recommend.cache_size)"));
            }

            var formats = GenerateCommand.ParseFormats(result.GetValue(format) ?? "csv", problems);
            var step = bandit.ReadStep(result, problems);
            bool outside = slates || OutsidePolicy.IsOutside(name);
            var outsideOptions = bandit.ReadOutside(result, console, problems, cancellationToken);
            var parsedStage = (result.GetValue(stage) ?? "all").ToLowerInvariant() switch
            {
                "all" => DatasetStage.All,
                "behaviour" or "behavior" => DatasetStage.Behaviour,
                var other => Problem(problems, other),
            };
            var options = DatasetSettings.WithDays(settings.BuildOptions(problems), result.GetValue(bandit.Days), problems);
            if (slates)
            {
                BanditArguments.CheckPolicy("--recommender", recommenderText!, options, problems);
            }
            else if (name.Length > 0)
            {
                BanditArguments.CheckPolicy("--policy", name, options, problems);
            }

            if (parsedStage == DatasetStage.Behaviour && result.GetValue(bandit.Days) is int days)
            {
                problems.Add(new("--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "the behaviour stage simulates the period of the catalogue and users already in DIR; regenerate them (--stage all) to change it"));
            }
            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            var output = new GenerateOptions { Directory = settings.Output, Stage = parsedStage, Threads = settings.ThreadCount, Force = result.GetValue(force), Formats = formats };
            var clock = Stopwatch.StartNew();
            using var client = gorse is { } server
                ? new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint, ApiKey = server.Key, OnRetry = ProgressDisplay.RetryLines(console, settings.Quiet) })
                : null;
            // A wrong URL or a server still starting is known at once, before the world is built.
            client?.EnsureReadyAsync("simulate", cancellationToken).GetAwaiter().GetResult();
            var service = client is null ? null : new GorseSlateService(client, cancellationToken: cancellationToken) { CacheSize = result.GetValue(bandit.GorseCacheSize) ?? 100 };
            // An outside policy's child process (or connection) lives as long as the run, and is ended with it.
            using var stepPolicy = outside ? OutsidePolicy.Open(slates ? recommenderText! : name, outsideOptions) : null;
            var simulation = new SimulationOptions
            {
                Policy = name,
                StepPolicy = stepPolicy,
                StepMode = slates ? RecSynth.Simulation.StepMode.Slate : RecSynth.Simulation.StepMode.Arm,
                Step = outside ? step ?? RecSynth.Simulation.StepLength.Day : step,
                Arms = arms,
                Recommender = recommender,
                Service = service,
            };
            var simulated = ProgressDisplay.Run(console, settings.Quiet, progress => DatasetGenerator.Simulate(options, output, simulation, progress, cancellationToken));
            if (!settings.Quiet)
            {
                Summary.Write(console.Out, Path.GetFullPath(settings.Output), simulated.Manifest, options.Seed, clock.Elapsed);
                var s = simulated.Loop.Summary;
                string P(double x) => x.ToString("P1", CultureInfo.InvariantCulture);
                var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"{s.Policy} over {string.Join(", ", s.PolicyArms)}; regret against each user's best of {string.Join(", ", s.OracleArms)}"))
                    .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("sessions", s.Sessions.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("rewarded sessions", $"{s.Reward.ToString("N0", CultureInfo.InvariantCulture)} ({P(s.Reward / (double)Math.Max(1, s.Sessions))})");
                table.AddRow("cumulative regret", s.Regret.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("best arm found (users whose best arm by the policy's estimate is optimal)", P(s.OptimalLearnedShare));
                table.AddRow("optimum served most (users served their optimal arm most often)", P(s.OptimalMostChosenShare));
                table.AddRow("blend error (mean, learned vs optimal blend)", s.BlendError.ToString("0.000", CultureInfo.InvariantCulture));
                table.AddRow("sessions to settle (median)", s.MedianSessionsToSettle.ToString("N1", CultureInfo.InvariantCulture));
                console.Out.Write(table);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static DatasetStage Problem(List<OptionProblem> problems, string text)
    {
        problems.Add(new("--stage", text, "must be all or behaviour"));
        return DatasetStage.All;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Bandits;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary>
/// <c>recsynth compare</c>: runs several policies in the closed loop on identical users and random streams (common
/// random numbers: the same seed), for one or more seeds, and prints a table of how they did.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(Consoles console)
    {
        var dataset = new DatasetArguments();
        var bandit = new BanditArguments();
        var policies = new Option<string>("--policies")
        {
            Description = "Comma-separated policies, e.g. uniform,thompson,fixed:cf; each one of " + string.Join(", ", BanditPolicies.Names),
            HelpName = "LIST",
            Required = true,
        };
        var repeats = WholeNumbers.Int("--repeats", "Seeds to run (seed, seed + 1, …); the table shows the mean and the standard deviation over them (default 1)");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("compare", "Compare policies in the closed loop on the same users and random streams: cumulative reward, regret, share of users with the optimal arm learned, error of the learned blend, sessions to settle.");
        dataset.AddTo(command, output: false);
        command.Options.Add(policies);
        bandit.AddTo(command, gorse: false);
        command.Options.Add(repeats);
        command.Options.Add(json);
        command.SetAction((result, cancellationToken) =>
        {
            var settings = dataset.Read(result);
            var problems = new List<OptionProblem>();
            string[] names = [.. (result.GetValue(policies) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            if (names.Length == 0)
            {
                problems.Add(new("--policies", "", "name at least one policy"));
            }

            foreach (string name in names)
            {
                BanditArguments.CheckPolicy("--policies", name, problems);
            }

            int runs = result.GetValue(repeats) ?? 1;
            if (runs is < 1 or > 100)
            {
                problems.Add(new("--repeats", runs.ToString(CultureInfo.InvariantCulture), "must be in [1, 100]"));
            }

            var arms = bandit.ReadArms(result, problems);
            var recommender = bandit.ReadRecommender(result, problems);
            var options = DatasetSettings.WithDays(settings.BuildOptions(problems), result.GetValue(bandit.Days), problems);
            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            var rows = ProgressDisplay.Run(console, settings.Quiet, progress =>
            {
                var compared = new List<ComparedPolicy>();
                foreach (string name in names)
                {
                    var summaries = new List<LoopSummary>();
                    for (int r = 0; r < runs; r++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        progress?.Say($"running {name}, seed {options.Seed + r}");
                        summaries.Add(ClosedLoop.Run(options with { Seed = options.Seed + r }, name, arms, recommender, settings.ThreadCount, progress, cancellationToken).Summary);
                    }

                    compared.Add(ComparedPolicy.Of(name, summaries));
                }

                return compared;
            });

            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(JsonSerializer.Serialize(rows, CompareJson.Default.ListComparedPolicy));
            }
            else
            {
                Render(console.Out, rows, runs);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Render(IAnsiConsole console, List<ComparedPolicy> rows, int runs)
    {
        var c = CultureInfo.InvariantCulture;
        string Spread(Measure m, string format) => runs > 1 ? $"{m.Mean.ToString(format, c)} ± {m.Sd.ToString(format, c)}" : m.Mean.ToString(format, c);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("policy")
            .AddColumn(new TableColumn("rewarded sessions").RightAligned())
            .AddColumn(new TableColumn("regret").RightAligned())
            .AddColumn(new TableColumn("optimal learned").RightAligned())
            .AddColumn(new TableColumn("optimal most served").RightAligned())
            .AddColumn(new TableColumn("blend error").RightAligned())
            .AddColumn(new TableColumn("sessions to settle").RightAligned());
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Policy), Spread(row.Reward, "N0"), Spread(row.Regret, "N0"), Spread(row.OptimalLearned, "P1"),
                Spread(row.OptimalMostChosen, "P1"), Spread(row.BlendError, "0.000"), Spread(row.SessionsToSettle, "0.#"));
        }

        if (runs > 1)
        {
            table.Caption($"mean ± standard deviation over {runs} seeds; the same seeds for every policy");
        }

        console.Write(table);
    }
}

/// <summary>A mean and standard deviation over seeds.</summary>
internal readonly record struct Measure(double Mean, double Sd)
{
    public static Measure Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new Measure(mean, sd);
    }
}

/// <summary>One row of the comparison.</summary>
internal sealed record ComparedPolicy(
    string Policy, int Seeds, Measure Sessions, Measure Reward, Measure Regret, Measure OptimalLearned, Measure OptimalMostChosen, Measure BlendError, Measure SessionsToSettle)
{
    public static ComparedPolicy Of(string policy, List<LoopSummary> runs) => new(
        policy,
        runs.Count,
        Measure.Of([.. runs.Select(r => (double)r.Sessions)]),
        Measure.Of([.. runs.Select(r => (double)r.Reward)]),
        Measure.Of([.. runs.Select(r => r.Regret)]),
        Measure.Of([.. runs.Select(r => r.OptimalLearnedShare)]),
        Measure.Of([.. runs.Select(r => r.OptimalMostChosenShare)]),
        Measure.Of([.. runs.Select(r => r.BlendError)]),
        Measure.Of([.. runs.Select(r => r.MedianSessionsToSettle)]));
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<ComparedPolicy>))]
internal sealed partial class CompareJson : JsonSerializerContext;

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Bandits;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Outside;
using RecSynth.Simulation;
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
            Description = "Comma-separated policies, e.g. uniform,thompson,fixed:cf; each one of " + string.Join(", ", RecSynth.Simulation.PolicySpec.Names(RecSynth.Simulation.PolicyUse.ClosedLoop)),
            HelpName = "LIST",
            Required = true,
        };
        var repeats = WholeNumbers.Int("--repeats", "Seeds to run (seed, seed + 1, …); the table shows the mean and the standard deviation over them (default 1)");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Also write each policy's learning curves to DIR as metrics-<policy>.csv (metrics-<policy>-seed<N>.csv with --repeats), for `recsynth report DIR`",
            HelpName = "DIR",
        };
        var command = new Command("compare", "Compare policies in the closed loop on the same users and random streams: cumulative reward, regret, share of users with the optimal arm learned, error of the learned blend, sessions to settle.");
        dataset.AddTo(command, output: false);
        command.Options.Add(policies);
        bandit.AddTo(command, gorse: false);
        command.Options.Add(repeats);
        command.Options.Add(json);
        command.Options.Add(output);
        command.SetAction((result, cancellationToken) =>
        {
            var settings = dataset.Read(result);
            var problems = new List<OptionProblem>();
            string[] names = [.. (result.GetValue(policies) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            if (names.Length == 0)
            {
                problems.Add(new("--policies", "", "name at least one policy"));
            }

            int runs = result.GetValue(repeats) ?? 1;
            if (runs is < 1 or > 100)
            {
                problems.Add(new("--repeats", runs.ToString(CultureInfo.InvariantCulture), "must be in [1, 100]"));
            }

            var arms = bandit.ReadArms(result, problems);
            var recommender = bandit.ReadRecommender(result, problems);
            var step = bandit.ReadStep(result, problems);
            var outsideOptions = bandit.ReadOutside(result, console, problems, cancellationToken);

            // With an outside policy among them, every policy runs under the same one-step delay: a fair comparison.
            if (names.Any(OutsidePolicy.IsOutside))
            {
                step ??= StepLength.Day;
            }

            var options = DatasetSettings.WithDays(settings.BuildOptions(problems), result.GetValue(bandit.Days), problems);
            foreach (string name in names)
            {
                BanditArguments.CheckPolicy("--policies", name, options, problems);
            }

            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            // Seed by seed, one world for every policy: the same users and streams (common random numbers), built once.
            var runsByPolicy = ProgressDisplay.Run(console, settings.Quiet, progress =>
            {
                var summaries = names.Select(_ => new List<LoopSummary>()).ToList();
                var curves = new List<(int Policy, long Seed, ClosedLoopResult Result)>();
                for (int r = 0; r < runs; r++)
                {
                    var world = SimulationWorld.Build(options with { Seed = options.Seed + r }, settings.ThreadCount, progress, cancellationToken);
                    for (int p = 0; p < names.Length; p++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        progress?.Say($"running {names[p]}, seed {options.Seed + r}");

                        // An outside policy is started afresh for each seed: every run begins with its hello.
                        using var outside = OutsidePolicy.IsOutside(names[p]) ? OutsidePolicy.Open(names[p], outsideOptions) : null;
                        var setup = new SimulationSetup
                        {
                            Policy = outside is not null
                                ? SessionPolicies.Stepped(outside, StepMode.Arm, BanditPolicies.ArmsOf(arms, options.Behaviour.BlendLevels), world)
                                : SessionPolicies.Bandit(PolicySpec.Parse(names[p], PolicyUse.ClosedLoop, "simulation.policy"), arms, world),
                            Slates = recommender == Recommender.Builtin ? SlateSource.Learned : SlateSource.Oracle,
                            Threads = settings.ThreadCount,
                            Step = step,
                        };
                        var loop = ClosedLoop.Run(world, setup, arms, null, progress, cancellationToken);
                        summaries[p].Add(loop.Summary);
                        if (result.GetValue(output) is not null)
                        {
                            curves.Add((p, options.Seed + r, loop with { Truth = null }));
                        }
                    }
                }

                if (result.GetValue(output) is { } folder)
                {
                    // Named as the table names them (an outside policy by its hello), per seed when there are several.
                    RecSynth.Files.ComparisonFolder.Write(folder, [.. curves.Select(c =>
                    {
                        string name = OutsidePolicy.IsOutside(names[c.Policy]) ? summaries[c.Policy][0].Policy : names[c.Policy];
                        return (runs > 1 ? $"{name}-seed{c.Seed}" : name, c.Result);
                    })]);
                }

                return summaries;
            });

            // An outside policy is named as it names itself (its hello); a built-in one as given.
            var rows = runsByPolicy.Select((summaries, i) => ComparedPolicy.Of(OutsidePolicy.IsOutside(names[i]) ? summaries[0].Policy : names[i], summaries, i == 0 ? null : runsByPolicy[0])).ToList();
            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(JsonSerializer.Serialize(rows, CompareJson.Default.ListComparedPolicy));
            }
            else
            {
                Render(console.Out, Header(options, arms, recommender, step, runs), rows, runs);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>What was compared, in one line: the arm set, the recommender, the sizes, the period and the seeds.</summary>
    private static string Header(RecSynthOptions options, BanditArms arms, Recommender recommender, StepLength? step, int runs)
    {
        var c = CultureInfo.InvariantCulture;
        int days = (int)Math.Ceiling((options.Time.End - options.Time.Start).TotalDays);
        string seeds = runs == 1 ? $"seed {options.Seed}" : $"seeds {options.Seed}–{options.Seed + runs - 1}";
        return string.Create(c,
            $"arms {string.Join(", ", BanditPolicies.ArmsOf(arms, options.Behaviour.BlendLevels))} (--arms {arms.ToString().ToLowerInvariant()}), recommender {recommender.ToString().ToLowerInvariant()}, {options.Users.Count:N0} users, {options.Catalog.Count:N0} products, {days:N0} days, {seeds}{(step is { } s ? $", every policy learning after each {s.ToString().ToLowerInvariant()} (one-step delay)" : "")}");
    }

    private static void Render(IAnsiConsole console, string header, List<ComparedPolicy> rows, int runs)
    {
        var c = CultureInfo.InvariantCulture;
        string Spread(Measure m, string format) => runs > 1 ? $"{m.Mean.ToString(format, c)} ± {m.Sd.ToString(format, c)}" : m.Mean.ToString(format, c);
        string Signed(double x, string format) => (x < 0 ? "−" : "+") + Math.Abs(x).ToString(format, c);
        string Difference(Measure? m, string format) => m is not { } d ? "" : runs > 1 ? $"{Signed(d.Mean, format)} ± {d.Sd.ToString(format, c)}" : Signed(d.Mean, format);
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(header))
            .AddColumn("policy")
            .AddColumn(new TableColumn("rewarded sessions").RightAligned())
            .AddColumn(new TableColumn("regret").RightAligned());
        if (rows.Count > 1)
        {
            table.AddColumn(new TableColumn(Markup.Escape($"regret vs {rows[0].Policy}")).RightAligned());
        }

        table.AddColumn(new TableColumn("best arm found").RightAligned())
            .AddColumn(new TableColumn("optimum served most").RightAligned())
            .AddColumn(new TableColumn("blend error").RightAligned())
            .AddColumn(new TableColumn("sessions to settle").RightAligned());
        foreach (var row in rows)
        {
            var cells = new List<string> { Markup.Escape(row.Policy), Spread(row.Reward, "N0"), Spread(row.Regret, "N0") };
            if (rows.Count > 1)
            {
                cells.Add(Difference(row.RegretDifference, "N0"));
            }

            cells.AddRange([Spread(row.OptimalLearned, "P1"), Spread(row.OptimalMostChosen, "P1"), Spread(row.BlendError, "0.000"), Spread(row.SessionsToSettle, "N1")]);
            table.AddRow([.. cells]);
        }

        var caption = new List<string>
        {
            "regret: expected reward lost against each user's best arm of the run's arm set (lower is better)",
            "best arm found: users whose best arm by the policy's own estimate is their optimum (what it learned, not what it served:",
            "  uniform learns as well as any but serves every arm alike); optimum served most: users who got their optimum most often",
        };
        if (runs > 1)
        {
            caption.Add($"mean ± standard deviation over {runs} seeds, the same seeds for every policy; regret vs {rows[0].Policy}: the paired difference, seed by seed");
        }

        table.Caption(Markup.Escape(string.Join("\n", caption)));
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

/// <summary>
/// One row of the comparison. The differences are the policy's rewarded sessions and regret minus the first policy's,
/// seed by seed (paired: the same users and streams); null for the first policy.
/// </summary>
internal sealed record ComparedPolicy(
    string Policy, int Seeds, Measure Sessions, Measure Reward, Measure Regret, Measure OptimalLearned, Measure OptimalMostChosen, Measure BlendError, Measure SessionsToSettle,
    Measure? RewardDifference, Measure? RegretDifference)
{
    public static ComparedPolicy Of(string policy, List<LoopSummary> runs, List<LoopSummary>? first) => new(
        policy,
        runs.Count,
        Measure.Of([.. runs.Select(r => (double)r.Sessions)]),
        Measure.Of([.. runs.Select(r => (double)r.Reward)]),
        Measure.Of([.. runs.Select(r => r.Regret)]),
        Measure.Of([.. runs.Select(r => r.OptimalLearnedShare)]),
        Measure.Of([.. runs.Select(r => r.OptimalMostChosenShare)]),
        Measure.Of([.. runs.Select(r => r.BlendError)]),
        Measure.Of([.. runs.Select(r => r.MedianSessionsToSettle)]),
        first is null ? null : Measure.Of([.. runs.Zip(first, (r, f) => (double)(r.Reward - f.Reward))]),
        first is null ? null : Measure.Of([.. runs.Zip(first, (r, f) => r.Regret - f.Regret)]));
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<ComparedPolicy>))]
internal sealed partial class CompareJson : JsonSerializerContext;

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Bandits;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth evaluate DIR --policy NAME</c>: off-policy estimates from the folder's log next to the simulated true value.</summary>
internal static class EvaluateCommand
{
    public static Command Create(Consoles console)
    {
        var directory = new Argument<string>("DIR") { Description = "A dataset folder with a logged sessions.csv", DefaultValueFactory = _ => "generated_data" };
        var policy = new Option<string>("--policy")
        {
            Description = "The policy to evaluate: uniform, fixed:<arm>, best-arm (each user's optimal arm in ground_truth.csv) get IPS, SNIPS and DR; learning policies (thompson, ucb1, …) get the replay estimate",
            HelpName = "NAME",
            Required = true,
        };
        var arms = new Option<string>("--arms") { Description = "two or blend", HelpName = "two|blend", DefaultValueFactory = _ => "two" };
        var threads = WholeNumbers.Int("--threads", "Threads of the simulation that gives the true value (default: one per core)");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress on stderr" };
        var command = new Command("evaluate", "Estimate a policy's reward per session from a logged sessions.csv (IPS, self-normalised IPS, doubly robust, or replay for learning policies) with 95 % intervals, next to its true value by simulation on the same users.")
        {
            directory,
            policy,
            arms,
            threads,
            json,
            quiet,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string folder = result.GetValue(directory)!;
            var problems = new List<OptionProblem>();
            var mode = BanditArguments.ParseArms(result.GetValue(arms) ?? "two", problems);
            int count = result.GetValue(threads) ?? Environment.ProcessorCount;
            if (count is < 1 or > 1024)
            {
                problems.Add(new("--threads", count.ToString(CultureInfo.InvariantCulture), "must be in [1, 1024]"));
            }

            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            if (!Directory.Exists(folder))
            {
                throw new DatasetUsageException($"{folder} does not exist; give a dataset folder written by generate");
            }

            var evaluation = ProgressDisplay.Run(console, result.GetValue(quiet), progress =>
                PolicyEvaluation.Evaluate(folder, result.GetValue(policy)!, mode, count, progress, cancellationToken));
            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(JsonSerializer.Serialize(evaluation, EvaluateJson.Default.PolicyEvaluation));
                return Task.FromResult(ExitCodes.Success);
            }

            var c = CultureInfo.InvariantCulture;
            bool stationary = evaluation.Estimates.All(e => e.Method != "replay");
            double? reference = evaluation.TrueValue;
            string referenceName = stationary ? "true, on the log's states" : "true, closed loop";
            var table = new Table().Border(TableBorder.Simple)
                .Title(Markup.Escape($"{evaluation.Policy} on the log of {evaluation.LoggingPolicy} ({evaluation.LoggedSessions:N0} sessions)"))
                .AddColumn("estimate").AddColumn(new TableColumn("reward per session").RightAligned()).AddColumn(new TableColumn("95 % interval").RightAligned())
                .AddColumn(new TableColumn("sessions used").RightAligned()).AddColumn(new TableColumn(Markup.Escape($"minus {referenceName}")).RightAligned());
            foreach (var e in evaluation.Estimates)
            {
                table.AddRow(e.Method, e.Value.ToString("0.0000", c), Markup.Escape($"[{e.Low.ToString("0.0000", c)}, {e.High.ToString("0.0000", c)}]"), e.Sessions.ToString("N0", c),
                    reference is { } value ? (e.Value - value).ToString("+0.0000;-0.0000", c) : "");
            }

            if (stationary)
            {
                table.AddRow(Markup.Escape("true, on the log's states (exact)"), evaluation.TrueValue is { } exact ? exact.ToString("0.0000", c) : "n/a", "", evaluation.LoggedSessions.ToString("N0", c), "");
            }

            table.AddRow("true, closed loop (simulated)", evaluation.ClosedLoopValue.ToString("0.0000", c), "", evaluation.ClosedLoopSessions.ToString("N0", c), "");
            console.Out.Write(table);
            if (stationary && evaluation.TrueValue is null)
            {
                console.StdErr.WriteLine($"recsynth: note: the exact value on the log's states is not available: {evaluation.TrueValueUnavailable}");
            }
            else if (stationary)
            {
                console.StdOut.WriteLine(string.Create(c, $"The estimates target the value on the log's own sessions and user states. In the closed loop the policy's own choices shape the users' later states (CF warm-up, image anchors, purchases), and its value there differs by {evaluation.ClosedLoopValue - evaluation.TrueValue!.Value:+0.0000;-0.0000}."));
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PolicyEvaluation))]
internal sealed partial class EvaluateJson : JsonSerializerContext;

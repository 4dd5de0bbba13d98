using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using RecSynth.Cli.Commands;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;

namespace RecSynth.Cli;

/// <summary>The command tree. Verbs are thin: they parse options, call one library entry point and render the result.</summary>
internal static class RecSynthApp
{
    /// <summary>The tree, rooted at a command named like the tool (not like the executable that hosts it).</summary>
    public static Command BuildRoot(Consoles console)
    {
        var root = new Command("recsynth", "RecSynth: synthetic data for hybrid recommenders (collaborative filtering + image similarity) and the bandits that blend them.")
        {
            new HelpOption(),
            new VersionOption(),
            InitCommand.Create(console),
            GenerateCommand.Create(console),
            SimulateCommand.Create(console),
            CompareCommand.Create(console),
            EvaluateCommand.Create(console),
            MergeCommand.Create(console),
            StatsCommand.Create(console),
            PushCommand.Create(console),
            ExportCommand.Create(console),
            GorseConfigCommand.Create(console),
            ReportCommand.Create(console),
            FitCommand.Create(console),
            FidelityCommand.Create(console),
        };

        // A misspelt option where a verb takes a folder (stats --jsn) would be bound to the folder: refused instead,
        // unless a file or folder of that name exists.
        foreach (var argument in root.Subcommands.SelectMany(c => c.Arguments))
        {
            argument.Validators.Add(result =>
            {
                if (result.Tokens.Select(t => t.Value).FirstOrDefault(v => v.Length > 1 && v[0] == '-' && !Path.Exists(v)) is { } word)
                {
                    result.AddError($"Unrecognized option '{word}'" + Suggestion(result.Parent as CommandResult, root, word));
                }
            });
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var console = new Consoles(stdout, stderr);
        var root = BuildRoot(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One message: an unrecognised word is the cause when there is one; other errors usually echo it
            // (the value of a misspelt option, a verb that then seems missing).
            var cause = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            bool suggested = cause.Message.Contains("; did you mean", StringComparison.Ordinal);
            console.Error(suggested ? cause.Message : cause.Message.TrimEnd('.') + Suggestion(parsed.CommandResult, root, parsed.UnmatchedTokens.Count > 0 ? parsed.UnmatchedTokens[0] : null));

            string verb = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
            await stderr.WriteLineAsync($"Run 'recsynth {verb}--help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program.cs turns Ctrl+C and SIGTERM into cancellation
        };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(console, e);
        }
    }

    /// <summary>
    /// For an unrecognised word, "; did you mean …?" with the closest option of the verb (for a word that starts with a
    /// dash) or the closest verb; otherwise "".
    /// </summary>
    private static string Suggestion(CommandResult? verb, Command root, string? word)
    {
        if (word is null)
        {
            return "";
        }

        var command = verb?.Command ?? root;
        IEnumerable<string> names = word.StartsWith('-')
            ? command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Select(c => c.Name);
        return NameSuggestion.DidYouMean(word.Split('=')[0], names.Distinct());
    }

    /// <summary>The command-line option each of the library's run and simulation option paths is given by.</summary>
    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        ["run.threads"] = "--threads",
        ["run.format"] = "--format",
        ["run.shard"] = "--shard",
        ["run.stage"] = "--stage",
        ["simulation.policy"] = "--policy",
        ["simulation.arms"] = "--arms",
        ["simulation.recommender"] = "--recommender",
        ["simulation.policy_timeout"] = "--policy-timeout",
        ["simulation.policy_batch"] = "--policy-batch",
        ["evaluation.policy"] = "--policy",
    };

    /// <summary>A problem as the command line names it: the library reports option paths (run.threads), the tool its flags (--threads).</summary>
    internal static OptionProblem AsFlag(OptionProblem problem) =>
        s_flags.TryGetValue(problem.KeyPath, out string? flag) ? problem with { KeyPath = flag } : problem;

    /// <summary>One clear message on stderr and the exit code for it.</summary>
    internal static int Report(Consoles console, Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException:
                console.Error("cancelled; nothing was left behind");
                return ExitCodes.Cancelled;
            case OptionsException { Problems.Count: > 0 } invalid:
                console.Error(new OptionsException([.. invalid.Problems.Select(AsFlag)]).Message);
                return ExitCodes.Usage;
            case OptionsException or DatasetUsageException:
                console.Error(exception.Message);
                return ExitCodes.Usage;
            case RecSynth.Outside.OutsidePolicyException or RecSynth.Simulation.StepPolicyException:
                console.Error("outside policy: " + exception.Message);
                return ExitCodes.Failure;
            case IOException or UnauthorizedAccessException or InvalidDataException:
                console.Error(exception.Message);
                return ExitCodes.Failure;
            case RecSynth.Gorse.GorseException:
                console.Error("gorse: " + exception.Message);
                return ExitCodes.Failure;
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return Report(console, aggregate.InnerExceptions[0]);
            case TypeInitializationException or DllNotFoundException when NativeLibraries.Describe(exception) is { } missing:
                console.Error(missing);
                return ExitCodes.Failure;
            case TypeInitializationException { InnerException: { } cause }:
                return Report(console, cause);
            default:
                console.Error($"{exception.GetType().Name}: {exception.Message}");
                return ExitCodes.Failure;
        }
    }
}

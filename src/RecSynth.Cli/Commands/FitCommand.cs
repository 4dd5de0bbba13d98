using System.CommandLine;
using System.Globalization;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Files.Config;
using RecSynth.Fitting;
using RecSynth.Gorse;
using RecSynth.Reports;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth fit SOURCE -o recsynth.toml</c>: a config whose world has the shape of a real log (docs/fitting.md).</summary>
internal static class FitCommand
{
    public static Command Create(Consoles console)
    {
        var source = new Argument<string?>("SOURCE") { Description = "The log: a RecSynth dataset folder, or an event log file (CSV or Parquet) with --layout or the column options; none with --gorse-url", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = "The config to write", HelpName = "FILE", DefaultValueFactory = _ => ConfigFile.DefaultName };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite an existing config" };
        var config = new Option<string?>("--config", "-c") { Description = "A config to start from: the knobs a log cannot reveal (vocabularies, attributes, embeddings, recommenders) keep its values, and the fitted ones are replaced", HelpName = "FILE" };
        var seed = WholeNumbers.Long("--seed", "Seed of the fitted config and of its calibration runs (default: the --config's, else 42)");
        var threads = WholeNumbers.Int("--threads", "Threads of the calibration runs (default: one per core)");
        var calibrationUsers = WholeNumbers.Int("--calibration-users", "Most users a calibration run simulates (default 20000); a larger log is calibrated on a share of its users and products");
        var json = new Option<bool>("--json") { Description = "Print the log's profile and the fit's statistics as JSON instead of a table" };
        var report = new Option<string?>("--report") { Description = "Also generate the fitted world (in memory, at full size) and write the fidelity report of the log against it: a self-contained HTML page", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress on stderr" };
        var log = new LogSourceArguments();
        var command = new Command("fit", "Fit a config to a real log: counts, activity, sessions, daily and weekly rhythm, event mix and funnel, popularity, arrivals; what a log cannot reveal keeps its default.")
        {
            source, output, force, report, config, seed, threads, calibrationUsers, json, quiet,
        };
        foreach (var option in log.Options.Concat(log.GorseOptions))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            string path = result.GetValue(output)!;
            var problems = new List<OptionProblem>();
            int count = result.GetValue(threads) ?? Environment.ProcessorCount;
            if (count is < 1 or > 1024)
            {
                problems.Add(new("--threads", count.ToString(CultureInfo.InvariantCulture), "must be in [1, 1024]"));
            }

            var start = result.GetValue(config) is { } file ? ConfigFile.Load(file) : new RecSynthOptions();
            long seedValue = result.GetValue(seed) ?? start.Seed;
            if (seedValue < 0)
            {
                problems.Add(new("--seed", seedValue.ToString(CultureInfo.InvariantCulture), "must be >= 0"));
            }

            int calibration = result.GetValue(calibrationUsers) ?? new WorldFitOptions().CalibrationUsers;
            if (calibration is < 100 or > 10_000_000)
            {
                problems.Add(new("--calibration-users", calibration.ToString(CultureInfo.InvariantCulture), "must be in [100, 10_000_000]"));
            }

            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            ConfigOutput.CheckTarget(path, result.GetValue(force));

            string? gorse = log.GorseUrl(result), database = log.DatabaseUrl(result);
            string[] given = [.. new[] { result.GetValue(source), gorse is null ? null : "--gorse-url", database is null ? null : "--database" }.OfType<string>()];
            string sourcePath = given.Length switch
            {
                0 => throw new DatasetUsageException("give the log to fit: a dataset folder, an event log file, --gorse-url URL or --database URL"),
                1 => gorse ?? (database is null ? given[0] : GorseDatabasePush.Describe(database)),
                _ => throw new DatasetUsageException($"give one log to fit, not {string.Join(" and ", given)}"),
            };
            string? reportPath = result.GetValue(report);
            var (reading, fit, fresh) = ProgressDisplay.Run(console, result.GetValue(quiet), display =>
            {
                var read = gorse is not null ? log.ReadGorse(result, Rows(display, "gorse feedback"), cancellationToken)
                    : database is not null ? log.ReadDatabase(result, Rows(display, "gorse feedback"), cancellationToken)
                    : log.Read(result, sourcePath, true, Rows(display, "log"), cancellationToken);
                var fitOptions = new WorldFitOptions { Threads = count, CalibrationUsers = calibration };
                var rounds = display is null ? null : new Progress<int>(r => display.Report(new GenerationProgress("calibration", r, fitOptions.Rounds, "rounds")));
                var fitted = WorldFit.Fit(read.Profile, start with { Seed = seedValue }, fitOptions, rounds, cancellationToken);
                var generated = reportPath is null ? null : WorldFit.Measure(fitted.Options, count, read.Profile.SessionGapSeconds, read.Profile.Keyed, cancellationToken);
                return (read, fitted, generated);
            });

            string text = ConfigWriter.RenderFitted(fit.Options, Header(sourcePath, reading, fit), fit.Knobs.ToDictionary(k => k.Path, k => k.Measured, StringComparer.Ordinal));
            if (reportPath is not null)
            {
                // The page first: a report that cannot be written leaves no config either.
                NativeLibraries.Register();
                string page = FidelityPage.Write(reading.Profile, fresh!, sourcePath, $"generated from {path}", reportPath, [.. Header(sourcePath, reading, fit)]);
                console.StdErr.WriteLine($"Wrote {page}");
            }

            await ConfigOutput.WriteAtomically(path, text, cancellationToken).ConfigureAwait(false);
            var (against, title) = fresh is null ? (fit.Calibration, "the last calibration run") : (fresh, $"the world generated from {path}");
            var comparison = Fidelity.Compare(reading.Profile, against);
            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(FidelityCommand.Json(comparison, reading.Profile, against));
            }
            else
            {
                FidelityCommand.Render(console.Out, comparison, $"{sourcePath} (log) against {title}");
                console.Out.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/] ({fit.Rounds} calibration rounds at {fit.CalibrationScale:P0} of the size). Not fitted, kept at their defaults: {Markup.Escape(string.Join("; ", fit.NotFitted))}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Rows read, as a phase without a known total.</summary>
    internal static IProgress<long>? Rows(ProgressDisplay.IPhaseDisplay? display, string what) =>
        display is null ? null : new SynchronousProgress<long>(rows => display.Report(new GenerationProgress(what, rows, Math.Max(rows, 1), "rows")));

    private static List<string> Header(string source, LogReading reading, FitResult fit)
    {
        var p = reading.Profile;
        var lines = new List<string>
        {
            $"RecSynth configuration fitted by `recsynth fit` to {source}.",
            string.Create(CultureInfo.InvariantCulture, $"The log: {reading.Rows:N0} rows, {p.Events:N0} events ({p.Views:N0} views, {p.Likes:N0} likes, {p.Purchases:N0} purchases), {p.Users:N0} users, {p.Items:N0} products, {p.Sessions:N0} sessions."),
            string.Create(CultureInfo.InvariantCulture, $"Calibrated by simulation in {fit.Rounds} rounds at {fit.CalibrationScale:P0} of the size; the knobs marked `fitted` below were set from the log."),
        };
        if (reading.Skipped.Count > 0)
        {
            lines.Add("Rows left out (event types the mapping does not name, or no timestamp): " + string.Join(", ", reading.Skipped.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:N0}"))) + ".");
        }

        if (p.OutOfOrder > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{p.OutOfOrder:N0} events came earlier than an event of their user before them (taken into that user's session)."));
        }

        var far = Fidelity.Compare(p, fit.Calibration).Statistics.Where(s => !s.Close).ToList();
        if (far.Count > 0)
        {
            lines.Add("Not reached by the calibration (further than 10 % or KS 0.05; see docs/fitting.md): " + string.Join("; ", far.Select(s =>
                string.Create(CultureInfo.InvariantCulture, $"{s.Name}: log {s.Real:G4}, fitted world {s.Synthetic:G4}"))) + ".");
        }

        if (p.Keyed)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Read as Gorse holds it (one row per type, user and product: docs/fitting.md), so repeated views are not in the log: behaviour.response.revisit is not fitted; the keyed log's repeat share is {p.RepeatShare:P1}."));
        }

        lines.Add("Not fitted (a log cannot reveal it), kept at the default: " + string.Join("; ", fit.NotFitted) + ".");
        return lines;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (the display takes reports from any thread).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecSynth.Cli.Rendering;
using RecSynth.Files;
using RecSynth.Fitting;
using RecSynth.Reports;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth fidelity REAL SYNTH</c>: two logs side by side, statistic by statistic, with a distance each and an overall score (docs/fitting.md).</summary>
internal static class FidelityCommand
{
    public static Command Create(Consoles console)
    {
        var real = new Argument<string>("REAL") { Description = "The real log: a RecSynth dataset folder, or an event log file with --layout or the column options" };
        var synthetic = new Argument<string>("SYNTH") { Description = "The synthetic log: a RecSynth dataset folder (or a file read like REAL)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var output = new Option<string?>("--output", "-o") { Description = "Also write the report as a self-contained HTML page with the distributions overlaid in charts", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress on stderr" };
        var log = new LogSourceArguments();
        var command = new Command("fidelity", "Set two logs side by side: every statistic fit uses (counts, sessions, rhythm, event mix and funnel, popularity, arrivals, repeats), each with its distance (relative error or Kolmogorov-Smirnov) and a score, and an overall score 0-100.")
        {
            real, synthetic, json, output, quiet,
        };
        foreach (var option in log.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) =>
        {
            string realPath = result.GetValue(real)!, syntheticPath = result.GetValue(synthetic)!;
            var (a, b) = ProgressDisplay.Run(console, result.GetValue(quiet), display =>
                (log.Read(result, realPath, false, FitCommand.Rows(display, "real log"), cancellationToken),
                 log.Read(result, syntheticPath, false, FitCommand.Rows(display, "synthetic log"), cancellationToken)));
            var report = Fidelity.Compare(a.Profile, b.Profile);
            if (result.GetValue(output) is { } page)
            {
                NativeLibraries.Register();
                string written = FidelityPage.Write(a.Profile, b.Profile, realPath, syntheticPath, page);
                console.StdErr.WriteLine($"Wrote {written}");
            }

            if (result.GetValue(json))
            {
                console.StdOut.WriteLine(Json(report, a.Profile, b.Profile));
            }
            else
            {
                Render(console.Out, report, $"{realPath} (real) against {syntheticPath} (synthetic)");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>The statistics side by side as a table, then the score.</summary>
    internal static void Render(IAnsiConsole console, FidelityReport report, string title)
    {
        string F(double x) => x.ToString(Math.Abs(x) >= 1000 ? "N0" : "G4", CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title))
            .AddColumn("statistic").AddColumn(new TableColumn("real").RightAligned()).AddColumn(new TableColumn("synthetic").RightAligned())
            .AddColumn(new TableColumn("distance").RightAligned()).AddColumn(new TableColumn("score").RightAligned());
        foreach (var s in report.Statistics)
        {
            string name = s.Measure == FidelityMeasure.KolmogorovSmirnov ? $"{s.Name} (mean; KS)" : s.Name;
            string distance = s.Distance.ToString(s.Measure == FidelityMeasure.KolmogorovSmirnov ? "0.000" : "P1", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(name), F(s.Real), F(s.Synthetic), s.Close ? distance : $"[yellow]{distance}[/]", s.Score.ToString("0.0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.MarkupLine($"Fidelity score [bold]{report.Score.ToString("0.0", CultureInfo.InvariantCulture)}[/] / 100 ({report.Statistics.Count(s => s.Close)} of {report.Statistics.Length} statistics within 10 % or KS 0.05).");
    }

    /// <summary>The report as JSON: the score, each statistic by its key, and both profiles.</summary>
    internal static string Json(FidelityReport report, LogProfile real, LogProfile synthetic)
    {
        var document = new FidelityDocument(
            Math.Round(report.Score, 2),
            report.Statistics.ToDictionary(
                s => s.Key,
                s => new FidelityEntry(s.Name, s.Measure == FidelityMeasure.RelativeError ? "relative_error" : "ks", s.Real, s.Synthetic, s.Distance, Math.Round(s.Score, 2), s.Close),
                StringComparer.Ordinal),
            real,
            synthetic);
        return JsonSerializer.Serialize(document, FidelityJson.Default.FidelityDocument);
    }
}

internal sealed record FidelityEntry(string Name, string Measure, double Real, double Synthetic, double Distance, double Score, bool Close);

internal sealed record FidelityDocument(double Score, Dictionary<string, FidelityEntry> Statistics, LogProfile Real, LogProfile Synthetic);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FidelityDocument))]
internal sealed partial class FidelityJson : JsonSerializerContext;

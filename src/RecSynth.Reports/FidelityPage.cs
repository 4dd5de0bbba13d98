using System.Globalization;
using RecSynth.Files;
using RecSynth.Fitting;
using RecSynth.Reports.Internals;

namespace RecSynth.Reports;

/// <summary>
/// The fidelity report as one self-contained HTML page (docs/fitting.md): the score, every statistic side by side with
/// its distance and score, and the distributions of both logs overlaid in charts (real and synthetic).
/// </summary>
public static class FidelityPage
{
    /// <summary>
    /// Writes the page comparing <paramref name="synthetic"/> with <paramref name="real"/> to <paramref name="output"/>:
    /// rendered whole in memory, then written beside the target and renamed over it, so it is never half-written.
    /// </summary>
    /// <returns>The full path of the page.</returns>
    /// <exception cref="DatasetUsageException">The output is a folder, or its folder does not exist. Nothing was written.</exception>
    public static string Write(LogProfile real, LogProfile synthetic, string realName, string syntheticName, string output, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(output);
        return ReportFile.Write(output, "fidelity.html", () => Render(real, synthetic, realName, syntheticName, notes ?? []), CancellationToken.None);
    }

    internal static string Render(LogProfile real, LogProfile synthetic, string realName, string syntheticName, IReadOnlyList<string> notes)
    {
        var report = Fidelity.Compare(real, synthetic);
        var page = new HtmlPage($"RecSynth fidelity: {syntheticName} against {realName}");
        page.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Fidelity score {report.Score:0.0} / 100: {report.Statistics.Count(s => s.Close)} of {report.Statistics.Length} statistics within 10 % (relative) or a Kolmogorov-Smirnov distance of 0.05. Real: {realName}, {real.Events:N0} events. Synthetic: {syntheticName}, {synthetic.Events:N0} events."), id: "score");
        foreach (string note in notes)
        {
            page.Paragraph(note, "note");
        }

        page.BeginSection("statistics", "Statistics side by side");
        page.Table("statistics-table", ["statistic", "real", "synthetic", "distance", "score"], report.Statistics.Select(s => (IReadOnlyList<string>)
        [
            s.Measure == FidelityMeasure.KolmogorovSmirnov ? $"{s.Name} (mean; KS)" : s.Name,
            Number(s.Real),
            Number(s.Synthetic),
            s.Distance.ToString(s.Measure == FidelityMeasure.KolmogorovSmirnov ? "0.000" : "P1", CultureInfo.InvariantCulture) + (s.Close ? "" : " (far)"),
            s.Score.ToString("0.0", CultureInfo.InvariantCulture),
        ]));
        page.Paragraph("A statistic scores 100 × 0.9^(distance / tolerance), the tolerance being 10 % relative error or a KS distance of 0.05; the score is their mean (docs/fitting.md).");
        page.EndSection();

        page.BeginSection("charts", "Distributions overlaid");
        (string Name, Func<LogProfile, IReadOnlyList<long>> Of, string X, Func<int, double> Value, bool Cumulative)[] charts =
        [
            ("Sessions per user", p => p.SessionsPerUser, "sessions", k => k, true),
            ("Events per session", p => p.EventsPerSession, "events", k => k, true),
            ("Gap between a user's sessions", p => p.GapHistogram, "log10 seconds", b => (b + 0.5) * LogProfile.GapBucketWidth, false),
            ("Session starts by hour of day (UTC)", p => p.HourOfDay, "hour", h => h, false),
            ("Session starts by day of week", p => p.DayOfWeek, "day (0 = Monday)", d => d, false),
            ("Users first seen, by day", p => p.UserArrivals, "day", d => d, true),
            ("Products first seen, by day", p => p.ItemArrivals, "day", d => d, true),
        ];
        foreach (var (name, of, x, value, cumulative) in charts)
        {
            var a = Series(of(real), value, cumulative);
            var b = Series(of(synthetic), value, cumulative);
            page.Figure(HtmlPage.Slug(name.ToLowerInvariant()), Charts.Overlay(name, x, cumulative ? "cumulative share" : "share", [(realName, a.X, a.Y), (syntheticName, b.X, b.Y)]),
                $"{name}: {realName} and {syntheticName}", cumulative ? $"{name}, cumulative share: the Kolmogorov-Smirnov distance is the largest vertical gap." : $"{name}, share of each.");
        }

        double[] percent = [.. Enumerable.Range(0, 101).Select(p => p / 100.0)];
        page.Figure("popularity-curve", Charts.Overlay("Popularity curve", "share of products (most interacted-with first)", "share of events",
            [(realName, percent, [.. real.PopularityCurve]), (syntheticName, percent, [.. synthetic.PopularityCurve])]),
            "Popularity curves", "Share of events on the most interacted-with products, real and synthetic.");
        page.EndSection();
        return page.ToString();
    }

    /// <summary>A histogram as (x, share) points, or cumulative shares, cut after the last bucket that holds anything.</summary>
    private static (double[] X, double[] Y) Series(IReadOnlyList<long> histogram, Func<int, double> value, bool cumulative)
    {
        int last = histogram.Count - 1;
        while (last > 0 && histogram[last] == 0)
        {
            last--;
        }

        double total = Math.Max(1, histogram.Sum());
        var x = new double[last + 1];
        var y = new double[last + 1];
        double running = 0;
        for (int i = 0; i <= last; i++)
        {
            running += histogram[i];
            x[i] = value(i);
            y[i] = (cumulative ? running : histogram[i]) / total;
        }

        return (x, y);
    }

    private static string Number(double x) => x.ToString(Math.Abs(x) >= 1000 ? "N0" : "G4", CultureInfo.InvariantCulture);
}

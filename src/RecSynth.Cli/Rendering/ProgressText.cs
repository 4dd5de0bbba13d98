using System.Globalization;

namespace RecSynth.Cli.Rendering;

/// <summary>
/// The words of the progress display, the same in plain lines and on a terminal: "45,000/100,000 products (45%),
/// 21,000 products/s, ETA 0:03", made to fit a width by giving up detail rather than by wrapping.
/// </summary>
internal static class ProgressText
{
    /// <summary>What a plain line may take: an 80-column terminal or log viewer shows it whole.</summary>
    public const int LineWidth = 80;

    private const string Prefix = "recsynth: ";

    /// <summary>The one format of every time shown: ETAs and durations, m:ss (h:mm:ss from an hour), whole seconds.</summary>
    public static string Clock(TimeSpan time)
    {
        long seconds = (long)Math.Round(Math.Max(0, time.TotalSeconds));
        return seconds < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    /// <summary>"recsynth: NAME STATUS" in at most <see cref="LineWidth"/> columns.</summary>
    public static string Line(PhaseState phase)
    {
        string name = phase.Name.Length > LineWidth / 2 ? phase.Name[..(LineWidth / 2 - 1)] + "…" : phase.Name;
        return Prefix + name + " " + Status(phase, percent: true, LineWidth - Prefix.Length - name.Length - 1);
    }

    /// <summary>
    /// The counts, the percentage (when asked for), the rate, the note and the ETA or duration, in at most
    /// <paramref name="width"/> columns: as written out if they fit, else with shorter numbers (the rate's, then the
    /// counts'), then without the percentage, then without the note or else the rate; cut short only when even the
    /// counts and the time do not fit.
    /// </summary>
    public static string Status(PhaseState phase, bool percent, int width)
    {
        var rate = phase.Rate() is { } r && RateNumber(r.PerSecond, compact: false) is not null ? r : ((double PerSecond, string Unit)?)null;
        string time = phase.Finished ? ", done in " + Clock(phase.Elapsed) : phase.Remaining() is { } left ? ", ETA " + Clock(left) : "";
        long share = phase.Total <= 0 ? 100 : (long)Math.Floor(100.0 * Math.Min(phase.Done, phase.Total) / phase.Total);
        string pct = percent ? string.Create(CultureInfo.InvariantCulture, $" ({share}%)") : "";
        string Counts(bool compact) => $"{Number(phase.Done, compact)}/{Number(phase.Total, compact)} {phase.Unit}";
        string Rate(bool compact) => rate is { } v ? $", {RateNumber(v.PerSecond, compact)} {v.Unit}/s" : "";
        string[] variants =
        [
            Counts(false) + pct + Rate(false) + phase.Note + time,
            Counts(false) + pct + Rate(true) + phase.Note + time,
            Counts(true) + pct + Rate(true) + phase.Note + time,
            Counts(true) + Rate(true) + phase.Note + time,
            Counts(true) + Rate(true) + time,
            Counts(true) + phase.Note + time,
            Counts(true) + time,
        ];
        foreach (string variant in variants)
        {
            if (variant.Length <= width)
            {
                return variant;
            }
        }

        return width <= 1 ? "" : variants[^1][..(width - 1)] + "…";
    }

    /// <summary>1,234 in full; shortened from 10,000: 12.3k, 12.3M, 1.2G.</summary>
    private static string Number(double value, bool compact) => !compact || value < 10_000
        ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value < 999_950 ? (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value < 999_950_000 ? (value / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : (value / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G";

    /// <summary>A rate as shown (one decimal below 10/s), or null when it would show as 0.</summary>
    private static string? RateNumber(double perSecond, bool compact)
    {
        string text = perSecond >= 10 ? Number(Math.Round(perSecond), compact) : perSecond.ToString("0.#", CultureInfo.InvariantCulture);
        return text == "0" ? null : text;
    }
}

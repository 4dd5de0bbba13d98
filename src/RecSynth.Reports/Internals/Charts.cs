using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace RecSynth.Reports.Internals;

/// <summary>The report's charts, each drawn with ScottPlot and encoded as PNG bytes.</summary>
internal static class Charts
{
    public const int Width = 800;
    public const int Height = 400;

    // Under ~1,000 points a line looks the same as with all of them, and the PNG stays small at any scale.
    private const int MaxLinePoints = 1_000;

    public static byte[] PriceHistogram(double[] prices)
    {
        double[] logs = [.. prices.Where(p => p > 0).Select(Math.Log10)];
        var plot = NewPlot("Price", "price (log scale)", "products");
        if (logs.Length > 0)
        {
            double low = Math.Floor(logs.Min() * 10) / 10, high = Math.Ceiling(logs.Max() * 10) / 10;
            AddHistogram(plot, logs, low, Math.Max(high, low + 0.1), 40);
            var ticks = new NumericManual();
            for (int k = (int)Math.Floor(low); k <= (int)Math.Ceiling(high); k++)
            {
                ticks.AddMajor(k, Math.Pow(10, k).ToString("#,0.##", CultureInfo.InvariantCulture));
                for (int m = 2; m < 10; m++)
                {
                    ticks.AddMinor(k + Math.Log10(m));
                }
            }

            plot.Axes.Bottom.TickGenerator = ticks;
            double median = Median(prices);
            var line = plot.Add.VerticalLine(Math.Log10(median), 2, Colors.Black, LinePattern.Dashed);
            line.LegendText = "median " + median.ToString("#,0.00", CultureInfo.InvariantCulture);
            plot.ShowLegend(Alignment.UpperRight);
        }

        return Png(plot);
    }

    /// <summary>The bins of the cf_preference chart over [0, 1].</summary>
    public const int CfPreferenceBins = 20;

    /// <summary>Days in the moving average drawn beside the daily reward rate.</summary>
    public const int SmoothingDays = 7;

    /// <summary>The share of users in each cf_preference bin (not their count), so that datasets of any size compare.</summary>
    public static byte[] CfPreferenceHistogram(double[] cfPreference)
    {
        var plot = NewPlot("Users by cf_preference (their preference for CF over image recommendations)", "cf_preference", "share of users");
        AddBars(plot, Shares(cfPreference, 0, 1, CfPreferenceBins), 0, 1);
        plot.Axes.SetLimitsX(0, 1);
        return Png(plot);
    }

    /// <summary>Lorenz-style: cumulative share of interactions against the share of products, most interacted-with first.</summary>
    public static byte[] PopularityTail(long[] perProduct, double top20Share)
    {
        long[] sorted = perProduct.OrderDescending().ToArray();
        double total = Math.Max(1, sorted.Sum());
        var xs = new List<double> { 0 };
        var ys = new List<double> { 0 };
        int step = Math.Max(1, sorted.Length / MaxLinePoints);
        double cumulative = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            cumulative += sorted[i];
            if ((i + 1) % step == 0 || i == sorted.Length - 1)
            {
                xs.Add((i + 1) / (double)sorted.Length);
                ys.Add(cumulative / total);
            }
        }

        var plot = NewPlot("Popularity tail", "share of products (most interacted-with first)", "share of interactions");
        var even = plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, Colors.Gray);
        even.LinePattern = LinePattern.Dotted;
        even.LegendText = "every product alike";
        var curve = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
        curve.LineWidth = 2;
        curve.LegendText = "products";
        double top = Math.Max(1, sorted.Length / 5) / (double)Math.Max(1, sorted.Length);
        var marker = plot.Add.Marker(top, top20Share, MarkerShape.FilledCircle, 8, Colors.Red);
        marker.LegendText = $"top 20 % of products: {top20Share.ToString("P1", CultureInfo.InvariantCulture)} of interactions";
        plot.Add.VerticalLine(top, 1, Colors.Red, LinePattern.Dashed);
        plot.Add.HorizontalLine(top20Share, 1, Colors.Red, LinePattern.Dashed);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot);
    }

    public static byte[] Similarity(IReadOnlyList<SimilarityGroup> groups)
    {
        var plot = NewPlot("Embedding similarity by attribute", "", "mean cosine similarity (± 1 sd)");
        var bars = groups.Select((g, i) => new Bar { Position = i, Value = g.Mean, Error = g.StdDev, FillColor = Palette(i) }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. groups.Select((_, i) => (double)i)], [.. groups.Select(g => g.Name)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        return Png(plot);
    }

    public static byte[] EventMix(IReadOnlyList<(string Type, long Count)> mix)
    {
        double total = Math.Max(1, mix.Sum(m => m.Count));
        var plot = NewPlot("Event mix", "", "interactions");
        var bars = mix.Select((m, i) => new Bar
        {
            Position = i,
            Value = m.Count,
            FillColor = Palette(i),
            Label = (m.Count / total).ToString("P1", CultureInfo.InvariantCulture),
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. mix.Select((_, i) => (double)i)], [.. mix.Select(m => m.Type)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return Png(plot);
    }

    /// <summary>
    /// One line per run of a per-day measure; with <paramref name="smoothed"/>, the measure thin and faded and the
    /// smoothed series over it, thick, in the run's colour.
    /// </summary>
    public static byte[] Lines(
        string title, string yLabel, IReadOnlyList<MetricsRun> runs, Func<MetricsRun, double[]> measure, (double Min, double Max)? yRange = null,
        (string Name, Func<MetricsRun, double[]> Series)? smoothed = null)
    {
        var plot = NewPlot(title, "day", yLabel);
        for (int r = 0; r < runs.Count; r++)
        {
            double[] days = Thin(runs[r].Day.Select(d => (double)d).ToArray());
            var line = plot.Add.ScatterLine(days, Thin(measure(runs[r])), smoothed is null ? Palette(r) : Palette(r).WithAlpha(0.35));
            line.LineWidth = smoothed is null ? 2 : 1;
            line.LegendText = smoothed is null ? runs[r].Name : runs[r].Name + ", daily";
            if (smoothed is var (name, series))
            {
                var average = plot.Add.ScatterLine(days, Thin(series(runs[r])), Palette(r));
                average.LineWidth = 2.5f;
                average.LegendText = $"{runs[r].Name}, {name}";
            }
        }

        if (yRange is var (min, max))
        {
            plot.Axes.SetLimitsY(min, max);
        }

        plot.ShowLegend(Alignment.UpperLeft);
        return Png(plot);
    }

    /// <summary>Several series over the same axes, one line each in its own colour (real and synthetic, in a fidelity report).</summary>
    public static byte[] Overlay(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var line = plot.Add.ScatterLine(Thin(series[i].X), Thin(series[i].Y), Palette(i));
            line.LineWidth = 2;
            line.LegendText = series[i].Name;
        }

        plot.ShowLegend(Alignment.LowerRight);
        return Png(plot);
    }

    /// <summary>The shares of the arms or blend levels served each day, stacked to 1.</summary>
    public static byte[] ArmShares(MetricsRun run)
    {
        var plot = NewPlot($"Arm shares over time: {run.Name}", "day", "share of sessions");
        double[] days = Thin(run.Day.Select(d => (double)d).ToArray());
        double[] lower = new double[days.Length];
        for (int a = 0; a < run.Arms.Length; a++)
        {
            double[] share = Thin(run.Shares[a]);
            double[] upper = [.. lower.Zip(share, (l, s) => l + s)];
            var fill = plot.Add.FillY(days, lower, upper);
            fill.FillColor = Palette(a).WithAlpha(0.75);
            fill.LineColor = Palette(a);
            fill.LegendText = ArmLabel(run.Arms[a]);
            lower = upper;
        }

        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>An arm's name for people: ShareCf → cf, ShareBlend25 → blend 0.25.</summary>
    public static string ArmLabel(string arm) => arm switch
    {
        "Cf" => "cf",
        "Image" => "image",
        _ when arm.StartsWith("Blend", StringComparison.Ordinal) && int.TryParse(arm.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int percent)
            => "blend " + (percent / 100.0).ToString("0.##", CultureInfo.InvariantCulture),
        _ => arm,
    };

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>
    /// The reward rate of the last <paramref name="days"/> days at each day: their rewards over their sessions (fewer
    /// days at the start; 0 where they had no session, like metrics.csv's daily rate).
    /// </summary>
    public static double[] MovingRewardRate(long[] rewards, long[] sessions, int days)
    {
        var rate = new double[sessions.Length];
        long n = 0, r = 0;
        for (int d = 0; d < sessions.Length; d++)
        {
            n += sessions[d];
            r += rewards[d];
            if (d >= days)
            {
                n -= sessions[d - days];
                r -= rewards[d - days];
            }

            rate[d] = n == 0 ? 0 : r / (double)n;
        }

        return rate;
    }

    /// <summary>The share of <paramref name="values"/> in each of <paramref name="binCount"/> equal bins of [low, high] (values outside go to the end bins).</summary>
    public static double[] Shares(double[] values, double low, double high, int binCount)
    {
        var shares = Counts(values, low, high, binCount);
        for (int i = 0; i < binCount; i++)
        {
            shares[i] /= Math.Max(1, values.Length);
        }

        return shares;
    }

    private static double[] Counts(double[] values, double low, double high, int binCount)
    {
        double width = (high - low) / binCount;
        var counts = new double[binCount];
        foreach (double v in values)
        {
            counts[Math.Clamp((int)((v - low) / width), 0, binCount - 1)]++;
        }

        return counts;
    }

    private static void AddHistogram(Plot plot, double[] values, double low, double high, int binCount) =>
        AddBars(plot, Counts(values, low, high, binCount), low, high);

    /// <summary>One bar per bin of [low, high], its height the bin's value.</summary>
    private static void AddBars(Plot plot, double[] heights, double low, double high)
    {
        double width = (high - low) / heights.Length;
        var bars = heights.Select((c, i) => new Bar
        {
            Position = low + (i + 0.5) * width,
            Value = c,
            Size = width,
            FillColor = Palette(0),
            LineWidth = 0,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Margins(bottom: 0);
    }

    private static double[] Thin(double[] values)
    {
        int step = Math.Max(1, (values.Length + MaxLinePoints - 1) / MaxLinePoints);
        return step == 1 ? values : [.. values.Where((_, i) => i % step == 0 || i == values.Length - 1)];
    }

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static Color Palette(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    private static byte[] Png(Plot plot) => plot.GetImageBytes(Width, Height, ImageFormat.Png);
}

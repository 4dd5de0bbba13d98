using System.Globalization;
using System.Text;
using RecSynth.Files;
using RecSynth.Reports.Internals;

namespace RecSynth.Reports;

/// <summary>
/// <c>recsynth report</c>: one self-contained HTML page with PNG charts of a dataset's own distributions and, when the
/// folder holds <c>metrics.csv</c> (or <c>metrics-&lt;policy&gt;.csv</c> files), the bandits' learning curves.
/// </summary>
public static class DatasetReport
{
    /// <summary>The report's file name inside the dataset folder when no output is given.</summary>
    public const string DefaultFileName = "report.html";

    private static readonly string[] s_quantiles = ["p10", "p50", "p90", "p99", "max"];
    private static readonly string[] s_funnel = ["view", "like", "purchase"];

    /// <summary>
    /// Writes the report of the dataset in <paramref name="directory"/> to <paramref name="output"/> (default
    /// <c>DIR/report.html</c>): rendered whole in memory, then written to a temporary file beside the target and
    /// renamed over it, so the target is never half-written. The same files give the same bytes.
    /// </summary>
    /// <returns>The full path of the report.</returns>
    /// <exception cref="DatasetUsageException">The folder is missing or not a dataset, a metrics file does not follow its schema, or the output is not a writable file path. Nothing was written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public static string Write(string directory, string? output = null, CancellationToken cancellationToken = default) =>
        WriteMany([directory], output, cancellationToken);

    /// <summary>
    /// Writes the report of the first folder (a dataset, or the learning curves of a comparison: <c>compare -o</c>) with
    /// the learning curves of every folder's runs in the same charts, one line each (e.g. several <c>simulate</c>
    /// folders); by default into the first folder.
    /// </summary>
    /// <returns>The full path of the report.</returns>
    /// <exception cref="DatasetUsageException">A folder is missing or holds neither a dataset nor learning curves, a metrics file does not follow its schema, or the output is not a writable file path. Nothing was written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was written.</exception>
    public static string WriteMany(IReadOnlyList<string> directories, string? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (directories.Count == 0)
        {
            throw new DatasetUsageException("give at least one folder");
        }

        foreach (string folderGiven in directories)
        {
            if (!Directory.Exists(folderGiven))
            {
                throw new DatasetUsageException($"{folderGiven} does not exist; give a dataset folder (default generated_data)");
            }
        }

        string directory = directories[0];

        return ReportFile.Write(output ?? Path.Combine(directory, DefaultFileName), DefaultFileName, () => Render(directories, cancellationToken), cancellationToken);
    }

    /// <summary>The page, as text; everything is read and checked before the first chart is drawn.</summary>
    internal static string Render(string directory, CancellationToken cancellationToken) => Render([directory], cancellationToken);

    /// <summary>The page of several folders: the first one's dataset (if it is one), every folder's learning curves.</summary>
    internal static string Render(IReadOnlyList<string> directories, CancellationToken cancellationToken)
    {
        string directory = directories[0];
        var runs = MetricsCsv.ReadAll(directory, cancellationToken);
        foreach (string other in directories.Skip(1))
        {
            string label = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(other)));
            var found = MetricsCsv.ReadAll(other, cancellationToken);
            if (found.Count == 0)
            {
                throw new DatasetUsageException($"{other} has no metrics.csv or metrics-<policy>.csv: nothing to draw beside {directory}");
            }

            runs.AddRange(found.Select(r => r with { File = label + "/" + r.File }));
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        if (runs.Count > 0 && !IsDataset(directory))
        {
            // A comparison's learning curves (compare -o): no dataset to describe.
            var curves = new HtmlPage($"RecSynth report: {name}");
            curves.Paragraph($"Learning curves of {string.Join(", ", runs.Select(r => r.File))}.");
            LearningSection(curves, runs, cancellationToken);
            return curves.ToString();
        }

        var scan = DatasetScan.Read(directory, cancellationToken);
        var stats = DatasetStats.From(scan);
        string embeddings = Path.Combine(directory, "embeddings.npy");
        var similarity = File.Exists(embeddings) ? EmbeddingSimilarity.Sample(embeddings, scan, cancellationToken) : null;

        var page = new HtmlPage($"RecSynth report: {name}");
        page.Paragraph($"{N(stats.Products)} products, {N(stats.Users)} users, {N(stats.Sessions)} sessions, {N(stats.Interactions)} interactions"
            + (runs.Count == 0 ? "." : $"; learning curves of {string.Join(", ", runs.Select(r => r.File))}."));
        DatasetSection(page, scan, stats, similarity, cancellationToken);
        LearningSection(page, runs, cancellationToken);
        return page.ToString();
    }

    /// <summary>Whether the folder holds a dataset (a manifest, or the products' table in either form).</summary>
    private static bool IsDataset(string directory) =>
        File.Exists(Path.Combine(directory, DatasetManifest.FileName)) || File.Exists(Path.Combine(directory, "products.csv"))
        || File.Exists(Path.Combine(directory, "products.parquet"));

    private static void DatasetSection(HtmlPage page, DatasetScan scan, DatasetStats stats, List<SimilarityGroup>? similarity, CancellationToken cancellationToken)
    {
        page.BeginSection("dataset", "The dataset");
        page.Table("key-numbers", ["measure", "value"], KeyNumbers(scan, stats));

        page.Figure("chart-price", Charts.PriceHistogram(scan.Prices), "Histogram of product prices on a log scale",
            $"Prices of the {N(stats.Products)} products, on a log scale (median {F(Charts.Median(scan.Prices), "#,0.00")}, mean {F(scan.Prices.DefaultIfEmpty().Average(), "#,0.00")}).");
        cancellationToken.ThrowIfCancellationRequested();
        if (scan.HasInteractions)
        {
            page.Figure("chart-popularity", Charts.PopularityTail(scan.InteractionsPerProduct, stats.Top20Share), "Cumulative share of interactions against the share of products",
                $"Popularity tail: the 20 % most interacted-with products receive {P(stats.Top20Share)} of the interactions.");
        }
        else
        {
            page.Paragraph("No interactions.csv: the popularity tail and the event mix need the behaviour stage.", "note", "no-interactions");
        }

        page.Figure("chart-cf-preference", Charts.CfPreferenceHistogram(scan.CfPreference), "Share of users in each cf_preference bin",
            $"Share of the {N(stats.Users)} users in each bin of cf_preference {F(1.0 / Charts.CfPreferenceBins, "0.00")} wide (x: cf_preference, from 0, preferring image-based "
            + $"recommendations, to 1, preferring CF ones; y: share of users, the bars summing to 1); mean {F(scan.CfPreference.DefaultIfEmpty().Average(), "0.000")}.");
        cancellationToken.ThrowIfCancellationRequested();
        if (similarity is { Count: > 0 })
        {
            page.Figure("chart-similarity", Charts.Similarity(similarity), "Mean cosine similarity of embeddings by shared attribute",
                $"Cosine similarity of the embeddings of {N(EmbeddingSimilarity.PairsPerGroup)} seeded random pairs per kind.");
            page.Table("similarity", ["pairs", "sampled", "mean cosine", "sd"],
                similarity.Select(g => (IReadOnlyList<string>)[g.Name, N(g.Pairs), F(g.Mean, "0.000"), F(g.StdDev, "0.000")]));
        }
        else
        {
            page.Paragraph(similarity is null ? "No embeddings.npy: no embedding similarity." : "Fewer than two products: no embedding similarity.", "note", "no-embeddings");
        }

        if (scan.HasInteractions)
        {
            page.Figure("chart-event-mix", Charts.EventMix([.. EventOrder(stats.EventMix)]), "Bar chart of interactions by feedback type",
                "Event mix: " + string.Join(", ", EventOrder(stats.EventMix).Select(e => $"{e.Type} {P(e.Count / (double)Math.Max(1, stats.Interactions))}")) + ".");
        }

        page.EndSection();
    }

    private static void LearningSection(HtmlPage page, List<MetricsRun> runs, CancellationToken cancellationToken)
    {
        page.BeginSection("learning", "Learning curves");
        if (runs.Count == 0)
        {
            page.Paragraph("No metrics.csv in this folder: run `recsynth simulate` to add the learning curves.", "note", "no-metrics");
            page.EndSection();
            return;
        }

        page.Table("run-summary", ["run", "file", "days", "sessions", "reward", "reward rate", "cumulative regret", "optimal share", "final arm shares"],
            runs.Select(r => (IReadOnlyList<string>)[
                r.Name,
                r.File,
                N(r.Days),
                N(r.Sessions.Sum()),
                N(r.Reward.Sum()),
                F(r.Reward.Sum() / (double)Math.Max(1, r.Sessions.Sum()), "0.000"),
                F(r.CumulativeRegret[^1], "#,0.0"),
                P(r.OptimalShare[^1]),
                string.Join(", ", r.Arms.Select((a, i) => $"{Charts.ArmLabel(a)} {P(r.Shares[i][^1])}")),
            ]));
        int window = Charts.SmoothingDays;
        page.Figure(
            "chart-reward-rate",
            Charts.Lines("Reward rate per day", "reward rate", runs, r => r.RewardRate, smoothed: ($"{window}-day average", r => Charts.MovingRewardRate(r.Reward, r.Sessions, window))),
            $"Reward rate per simulated day and its {window}-day moving average",
            $"Reward rate per day (thin, faded: the share of the day's sessions with a like or a purchase) and its {window}-day moving average "
            + $"(thick: the rewards of the last {window} days over their sessions, of fewer days at the start).");
        cancellationToken.ThrowIfCancellationRequested();
        page.Figure("chart-regret", Charts.Lines("Cumulative regret", "cumulative regret", runs, r => r.CumulativeRegret), "Cumulative regret per simulated day",
            "Cumulative regret: the expected reward lost against serving every user their optimal arm, summed over the days.");
        page.Figure("chart-optimal-share", Charts.Lines("Users whose current best choice is optimal", "share of users", runs, r => r.OptimalShare, (0, 1)), "Share of users whose current best choice is optimal",
            "Share of users whose current best choice (the arm or blend the policy would serve them) is their optimal one.");
        foreach (var run in runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            page.Figure(run.ArmSharesId, Charts.ArmShares(run), $"Arm shares over time, {run.Name}",
                $"Arm shares over time ({run.File}): the share of each day's sessions served each arm or blend level, stacked.");
        }

        page.EndSection();
    }

    private static IEnumerable<IReadOnlyList<string>> KeyNumbers(DatasetScan scan, DatasetStats s)
    {
        yield return ["products", N(s.Products)];
        yield return ["users", N(s.Users)];
        yield return ["sessions", N(s.Sessions)];
        yield return ["interactions", N(s.Interactions)];
        foreach (var (type, count) in EventOrder(s.EventMix))
        {
            yield return [$"of which {type}", $"{N(count)} ({P(count / (double)Math.Max(1, s.Interactions))})"];
        }

        yield return ["sparsity", F(s.Sparsity, "0.000000")];
        yield return ["interactions per user (p10 / p50 / p90 / p99 / max)", Quantiles(s.InteractionsPerUser)];
        yield return ["interactions per product (p10 / p50 / p90 / p99 / max)", Quantiles(s.InteractionsPerProduct)];
        yield return ["share on the top 20 % of products", P(s.Top20Share)];
        yield return ["median price", F(Charts.Median(scan.Prices), "#,0.00")];
        foreach (var (bucket, label) in DatasetStats.CfPreferenceBuckets)
        {
            if (s.RewardRate.TryGetValue(bucket, out var arms))
            {
                yield return [$"reward rate, {label}", string.Join(", ", arms.Select(a => $"{a.Key} {F(a.Value, "0.000")}"))];
            }
        }

        if (s.InteriorOptimalBlendShare is double interior)
        {
            yield return ["users with an interior optimal blend", P(interior)];
        }
    }

    /// <summary>view, like, purchase first (the funnel's order), then any other type by name.</summary>
    private static IEnumerable<(string Type, long Count)> EventOrder(SortedDictionary<string, long> mix) =>
        mix.OrderBy(m => Array.IndexOf(s_funnel, m.Key) is var i and >= 0 ? i : 3).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value));

    private static string Quantiles(SortedDictionary<string, double> q) =>
        string.Join(" / ", s_quantiles.Select(k => N(q.GetValueOrDefault(k))));

    private static string N(double x) => x.ToString("#,0", CultureInfo.InvariantCulture);

    private static string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);

    private static string P(double x) => x.ToString("0.0 %", CultureInfo.InvariantCulture);
}

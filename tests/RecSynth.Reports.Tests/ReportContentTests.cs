using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Testing;

namespace RecSynth.Reports.Tests;

/// <summary>What the page shows: every chart an embedded, decodable PNG; the numbers those of the files; the same bytes every time.</summary>
public sealed class ReportContentTests(ReportDatasets datasets)
{
    private static readonly string[] s_datasetCharts = ["chart-price", "chart-popularity", "chart-cf-preference", "chart-similarity", "chart-event-mix"];
    private static readonly string[] s_learningCharts = ["chart-reward-rate", "chart-regret", "chart-optimal-share"];

    [Fact]
    public void Without_metrics_the_page_has_the_dataset_charts_and_a_note_in_place_of_the_learning_curves()
    {
        using var temp = new TempDirectory("report");
        string path = DatasetReport.Write(datasets.Folder, temp.File("report.html"), TestContext.Current.CancellationToken);

        var page = ReportPage.Load(path);
        Assert.Equal(s_datasetCharts, page.FigureIds);
        Assert.True(page.HasElement("dataset") && page.HasElement("learning") && page.HasElement("key-numbers") && page.HasElement("similarity"));
        Assert.Contains("No metrics.csv", page.Text("no-metrics"), StringComparison.Ordinal);
        Assert.False(page.HasElement("run-summary"));
    }

    [Fact]
    public void A_catalogue_and_users_without_behaviour_or_embeddings_get_notes_in_place_of_those_charts()
    {
        using var temp = new TempDirectory("report-partial");
        string folder = datasets.CopyTo(temp.Sub("data"));
        foreach (string file in new[] { "interactions.csv", "sessions.csv", "ground_truth.csv", "embeddings.npy" })
        {
            File.Delete(Path.Combine(folder, file));
        }

        var page = ReportPage.Load(DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["chart-price", "chart-cf-preference"], page.FigureIds);
        Assert.Contains("No interactions.csv", page.Text("no-interactions"), StringComparison.Ordinal);
        Assert.Contains("No embeddings.npy", page.Text("no-embeddings"), StringComparison.Ordinal);
        Assert.False(page.HasElement("similarity"));
        foreach (string id in page.FigureIds)
        {
            Assert.Equal((800, 400), PngDecoder.Decode(page.Png(id)));
        }
    }

    [Fact]
    public void Every_image_is_an_embedded_png_that_decodes_to_the_chart_size()
    {
        using var temp = new TempDirectory("report-png");
        var page = datasets.ReportWithMetrics(temp);

        Assert.Equal([.. s_datasetCharts, .. s_learningCharts, "chart-arm-shares"], page.FigureIds);
        Assert.Equal(page.FigureIds.Length, page.ImageSources.Length);
        Assert.All(page.ImageSources, src => Assert.StartsWith("data:image/png;base64,", src, StringComparison.Ordinal));
        foreach (string id in page.FigureIds)
        {
            var (width, height) = PngDecoder.Decode(page.Png(id));
            Assert.Equal((800, 400), (width, height));
        }

        // Distinct data gives distinct pictures: no chart is a blank placeholder repeated.
        Assert.Equal(page.FigureIds.Length, page.FigureIds.Select(id => Convert.ToBase64String(page.Png(id))).Distinct().Count());
    }

    [Fact]
    public void The_page_refers_to_nothing_outside_itself()
    {
        using var temp = new TempDirectory("report-self");
        var page = ReportPage.Load(DatasetReport.Write(datasets.Folder, temp.File("r.html"), TestContext.Current.CancellationToken));

        foreach (string forbidden in new[] { "http:", "https:", "src=\"//", "href=", "url(", "@import", "<script", "<link", "<iframe", "<object", "<embed" })
        {
            Assert.DoesNotContain(forbidden, page.Html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(page.ImageSources, src => Assert.StartsWith("data:", src, StringComparison.Ordinal));
    }

    [Fact]
    public void The_key_numbers_are_those_of_the_files()
    {
        using var temp = new TempDirectory("report-numbers");
        var page = ReportPage.Load(DatasetReport.Write(datasets.Folder, temp.File("r.html"), TestContext.Current.CancellationToken));
        var rows = page.TableRows("key-numbers").ToDictionary(r => r[0].Trim(), r => r[1], StringComparer.Ordinal);
        string[] types = [.. File.ReadLines(Path.Combine(datasets.Folder, "interactions.csv")).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)])];
        int sessions = File.ReadLines(Path.Combine(datasets.Folder, "sessions.csv")).Count() - 1;

        Assert.Equal(ReportDatasets.Products.ToString("N0", CultureInfo.InvariantCulture), rows["products"]);
        Assert.Equal(ReportDatasets.Users.ToString("N0", CultureInfo.InvariantCulture), rows["users"]);
        Assert.Equal(sessions.ToString("N0", CultureInfo.InvariantCulture), rows["sessions"]);
        Assert.Equal(types.Length.ToString("N0", CultureInfo.InvariantCulture), rows["interactions"]);
        foreach (string type in new[] { "view", "like", "purchase" })
        {
            int count = types.Count(t => t == type);
            Assert.StartsWith(count.ToString("N0", CultureInfo.InvariantCulture) + " (", rows["of which " + type], StringComparison.Ordinal);
        }

        double[] prices = [.. File.ReadLines(Path.Combine(datasets.Folder, "products.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[10], CultureInfo.InvariantCulture)).Order()];
        double median = (prices[prices.Length / 2 - 1] + prices[prices.Length / 2]) / 2;
        Assert.Equal(median.ToString("#,0.00", CultureInfo.InvariantCulture), rows["median price"]);
    }

    [Fact]
    public void Embedding_similarity_agrees_with_the_same_expectation_computed_over_every_pair()
    {
        using var temp = new TempDirectory("report-similarity");
        var page = ReportPage.Load(DatasetReport.Write(datasets.Folder, temp.File("r.html"), TestContext.Current.CancellationToken));
        var sampled = page.TableRows("similarity").ToDictionary(r => r[0], r => double.Parse(r[2], CultureInfo.InvariantCulture), StringComparer.Ordinal);

        float[][] vectors = ReadNpyFloat32(Path.Combine(datasets.Folder, "embeddings.npy"));
        string[][] products = [.. File.ReadLines(Path.Combine(datasets.Folder, "products.csv")).Skip(1).Select(l => l.Split(','))];
        int n = vectors.Length;
        var cosine = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0, a = 0, b = 0;
                for (int k = 0; k < vectors[i].Length; k++)
                {
                    dot += vectors[i][k] * (double)vectors[j][k];
                    a += vectors[i][k] * (double)vectors[i][k];
                    b += vectors[j][k] * (double)vectors[j][k];
                }

                cosine[i, j] = dot / Math.Sqrt(a * b);
            }
        }

        // The sampler draws a product, then a partner; the expectation is the mean over products of their mean partner.
        double Expected(Func<int, int, bool> partners)
        {
            var means = new List<double>();
            for (int i = 0; i < n; i++)
            {
                var others = Enumerable.Range(0, n).Where(j => j != i && partners(i, j)).ToList();
                if (others.Count > 0)
                {
                    means.Add(others.Average(j => cosine[i, j]));
                }
            }

            return means.Average();
        }

        Assert.Equal(Expected((_, _) => true), sampled["random pairs"], 0.03);
        Assert.Equal(Expected((i, j) => products[i][1] != products[j][1]), sampled["different category"], 0.03);
        foreach (var (name, column) in new[] { ("category", 1), ("subcategory", 2), ("style", 3), ("color", 4) })
        {
            Assert.Equal(Expected((i, j) => products[i][column] == products[j][column]), sampled["same " + name], 0.03);
        }

        Assert.True(sampled["same subcategory"] > sampled["same category"] && sampled["same category"] > sampled["random pairs"] && sampled["random pairs"] > sampled["different category"]);
    }

    [Fact]
    public void With_metrics_csv_the_learning_curves_and_the_run_summary_show_its_numbers()
    {
        using var temp = new TempDirectory("report-metrics");
        string folder = datasets.CopyTo(temp.Sub("data"));
        var metrics = SyntheticMetrics.Write(Path.Combine(folder, "metrics.csv"), ["Cf", "Blend25", "Blend50", "Blend75", "Image"], 45, 8);

        var page = ReportPage.Load(DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.False(page.HasElement("no-metrics"));
        Assert.Equal([.. s_datasetCharts, .. s_learningCharts, "chart-arm-shares"], page.FigureIds);
        var row = Assert.Single(page.TableRows("run-summary"));
        long sessions = metrics.Sessions.Sum(), reward = metrics.Reward.Sum();
        string Percent(double x) => (100 * x).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        Assert.Equal(
            [
                "metrics.csv", "metrics.csv", "45", sessions.ToString("N0", CultureInfo.InvariantCulture), reward.ToString("N0", CultureInfo.InvariantCulture),
                (reward / (double)sessions).ToString("0.000", CultureInfo.InvariantCulture),
                metrics.CumulativeRegret[^1].ToString("#,0.0", CultureInfo.InvariantCulture),
                Percent(metrics.OptimalShare[^1]),
                string.Join(", ", new[] { "cf", "blend 0.25", "blend 0.5", "blend 0.75", "image" }.Select((label, a) => $"{label} {Percent(metrics.Shares[a][^1])}")),
            ],
            row);
    }

    [Fact]
    public void A_simulated_run_is_named_by_the_policy_its_manifest_records_and_a_metrics_file_from_elsewhere_by_its_file()
    {
        using var temp = new TempDirectory("report-policy");
        string folder = temp.Sub("data");
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new RecSynthOptions { Seed = 7 } with
        {
            Catalog = new CatalogOptions { Count = ReportDatasets.Products },
            Users = new UserOptions { Count = ReportDatasets.Users },
            Time = new TimeWindowOptions { Start = start, End = start.AddDays(14) },
        };
        DatasetGenerator.Simulate(options, new GenerateOptions { Directory = folder, Threads = 2 }, new SimulationOptions { Policy = "ucb1" }, cancellationToken: TestContext.Current.CancellationToken);

        var simulated = ReportPage.Load(DatasetReport.Write(folder, temp.File("simulated.html"), TestContext.Current.CancellationToken));
        SyntheticMetrics.Write(Path.Combine(folder, "metrics.csv"), ["Cf", "Image"], 14, 5); // no longer the file the manifest lists
        var replaced = ReportPage.Load(DatasetReport.Write(folder, temp.File("replaced.html"), TestContext.Current.CancellationToken));

        Assert.Equal("ucb1", Assert.Single(simulated.TableRows("run-summary"))[0]);
        Assert.Contains("alt=\"Arm shares over time, ucb1\"", simulated.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("this run", simulated.Html, StringComparison.Ordinal);
        Assert.Equal("metrics.csv", Assert.Single(replaced.TableRows("run-summary"))[0]);
        Assert.Equal([.. s_datasetCharts, .. s_learningCharts, "chart-arm-shares"], simulated.FigureIds);
    }

    [Fact]
    public void Metrics_files_per_policy_give_a_summary_row_and_an_arm_share_chart_each()
    {
        using var temp = new TempDirectory("report-compare");
        string folder = datasets.CopyTo(temp.Sub("data"));
        var thompson = SyntheticMetrics.Write(Path.Combine(folder, "metrics-thompson.csv"), ["Cf", "Image"], 20, 3);
        var uniform = SyntheticMetrics.Write(Path.Combine(folder, "metrics-uniform.csv"), ["Cf", "Image"], 20, 1_000);

        var page = ReportPage.Load(DatasetReport.Write(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal([.. s_datasetCharts, .. s_learningCharts, "chart-arm-shares-thompson", "chart-arm-shares-uniform"], page.FigureIds);
        var rows = page.TableRows("run-summary");
        Assert.Equal(["thompson", "uniform"], rows.Select(r => r[0]));
        Assert.Equal(thompson.Reward.Sum().ToString("N0", CultureInfo.InvariantCulture), rows[0][4]);
        Assert.Equal(uniform.Reward.Sum().ToString("N0", CultureInfo.InvariantCulture), rows[1][4]);
        Assert.NotEqual(page.Png("chart-arm-shares-thompson"), page.Png("chart-arm-shares-uniform"));
    }

    [Fact]
    public void The_same_files_give_the_same_bytes()
    {
        using var temp = new TempDirectory("report-determinism");
        string folder = datasets.CopyTo(temp.Sub("data"));
        SyntheticMetrics.Write(Path.Combine(folder, "metrics.csv"), ["Cf", "Image"], 30, 5);

        byte[] first = File.ReadAllBytes(DatasetReport.Write(folder, temp.File("a.html"), TestContext.Current.CancellationToken));
        byte[] second = File.ReadAllBytes(DatasetReport.Write(folder, temp.File("b.html"), TestContext.Current.CancellationToken));

        Assert.True(first.AsSpan().SequenceEqual(second), "two reports of the same files differ");
        Assert.Equal(first, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(first))); // UTF-8, no byte order mark
        Assert.NotEqual(0xEF, first[0]);
    }

    /// <summary>A (rows, columns) little-endian float32 .npy, read here without the code under test.</summary>
    private static float[][] ReadNpyFloat32(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        string header = Encoding.ASCII.GetString(file, 10, headerLength);
        Assert.Contains("'descr': '<f4'", header, StringComparison.Ordinal);
        string shape = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        int[] dims = [.. shape[..shape.IndexOf(')', StringComparison.Ordinal)].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        int offset = 10 + headerLength;
        return [.. Enumerable.Range(0, dims[0]).Select(r => Enumerable.Range(0, dims[1]).Select(c => BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(offset + 4 * (r * dims[1] + c)))).ToArray())];
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>A small dataset (400 products, 300 users, two weeks) generated once for the report tests, which copy it before writing.</summary>
public sealed class ReportDataset : IAsyncLifetime
{
    private readonly TempDirectory _root = new("report-cli");

    public string Folder => _root.Sub("data");

    public async ValueTask InitializeAsync()
    {
        string config = _root.File("weeks.toml");
        await File.WriteAllTextAsync(config, Datasets.Weeks(2));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await RecSynthApp.RunAsync(["generate", "-c", config, "--products", "400", "--users", "300", "-o", Folder, "--quiet"], stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
    }

    /// <summary>A copy of the dataset, to write reports and metrics files into.</summary>
    public string CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary><c>recsynth report DIR [-o FILE]</c>: the page in a real browser, the default path, and bad input refused with nothing written.</summary>
public sealed class ReportTests(ReportDataset dataset) : IClassFixture<ReportDataset>
{
    private const string MetricsHeader = "Day,Date,Sessions,Reward,RewardRate,CumulativeReward,ExpectedReward,OracleReward,CumulativeRegret,OptimalShare,NearOptimalShare,ShareCf,ShareImage";

    [Fact]
    public async Task Report_writes_DIR_report_html_by_default_and_prints_its_path()
    {
        using var temp = new TempDirectory("report-default");
        string folder = dataset.CopyTo(temp.Sub("data"));

        var result = await Cli.RunAsync("report", folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        string expected = Path.Combine(Path.GetFullPath(folder), "report.html");
        Assert.Equal(expected + Environment.NewLine, result.StdOut);
        Assert.Equal("", result.StdErr);
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(expected, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
        Assert.Equal("", (await Cli.RunAsync("report", folder, "--quiet")).StdOut);
    }

    [Fact]
    public async Task Report_help_shows_the_usage_and_every_option()
    {
        var result = await Cli.RunAsync("report", "--help");
        var root = await Cli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("recsynth report [<DIR>...] [options]", result.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+-o, --output <FILE>\s+\S", result.StdOut);
        Assert.Matches(@"(?m)^\s+-q, --quiet\s+\S", result.StdOut);
        Assert.Contains("DIR/report.html", result.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+report <DIR>\s+\S", root.StdOut);
    }

    [Fact]
    public async Task Report_of_a_missing_folder_or_a_folder_without_a_dataset_exits_2_and_writes_nothing()
    {
        using var temp = new TempDirectory("report-bad");
        string empty = temp.Sub("empty");
        Directory.CreateDirectory(empty);

        var missing = Cli.RunProcess(["report", temp.Sub("nowhere")]);
        var notDataset = await Cli.RunAsync("report", empty);

        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains($"recsynth: error: {temp.Sub("nowhere")} does not exist", missing.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Sub("nowhere")));
        Assert.True(notDataset.ExitCode == 2, notDataset.ToString());
        Assert.Contains("has no products.csv: not a RecSynth dataset", notDataset.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public async Task Report_with_a_malformed_metrics_csv_exits_2_naming_file_line_and_column_and_keeps_the_old_report()
    {
        using var temp = new TempDirectory("report-bad-metrics");
        string folder = dataset.CopyTo(temp.Sub("data"));
        string report = Path.Combine(folder, "report.html");
        await File.WriteAllTextAsync(report, "the previous report", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(
            Path.Combine(folder, "metrics.csv"),
            MetricsHeader + "\n1,2023-01-01,10,3,0.3,3,3.1,4.2,1.1,0.5,0.6,0.5,0.5\n2,2023-01-02,10,4,n/a,7,3.5,4.2,1.8,0.6,0.7,0.4,0.6\n", TestContext.Current.CancellationToken);
        var before = Datasets.Snapshot(folder);

        var result = Cli.RunProcess(["report", folder]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(1, result.ErrorCount);
        Assert.Contains("metrics.csv: line 3, column 5 (RewardRate): \"n/a\" is not a finite number", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Datasets.Snapshot(folder));
    }

    [Fact]
    public async Task Report_cancelled_exits_130_and_writes_nothing()
    {
        using var temp = new TempDirectory("report-cancel");
        string folder = dataset.CopyTo(temp.Sub("data"));
        var before = Datasets.Snapshot(folder);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await Cli.RunUntilAsync(cancelled.Token, "report", folder);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal(before, Datasets.Snapshot(folder));
    }

    [Fact]
    public async Task Report_to_a_folder_or_into_a_missing_folder_exits_2()
    {
        using var temp = new TempDirectory("report-bad-output");

        var folder = await Cli.RunAsync("report", dataset.Folder, "-o", temp.Path);
        var missing = await Cli.RunAsync("report", dataset.Folder, "-o", Path.Combine(temp.Sub("no"), "r.html"));

        Assert.True(folder.ExitCode == 2, folder.ToString());
        Assert.Contains("is a folder; give the report's file name", folder.StdErr, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains($"{temp.Sub("no")} does not exist", missing.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    /// <summary>
    /// The page as a browser shows it: a copy with a Content-Security-Policy that allows only data: images and inline
    /// styles (and the probe script), and a probe that, on load, writes into the DOM how many images decoded and what
    /// the policy blocked. Chromium prints the DOM then.
    /// </summary>
    [Fact]
    public async Task Report_opens_in_headless_chromium_with_every_image_loaded_and_nothing_requested_from_outside()
    {
        Chromium.Require();
        using var temp = new TempDirectory("report-chromium");
        string folder = dataset.CopyTo(temp.Sub("data"));
        var metrics = new System.Text.StringBuilder(MetricsHeader + "\n");
        for (int day = 1; day <= 10; day++)
        {
            double cf = 0.5 + day / 25.0;
            metrics.Append(CultureInfo.InvariantCulture, $"{day},2023-01-{day:00},20,{day},{day / 20.0},{day * (day + 1) / 2},{day * 0.9},9,{day * 1.5},{day / 10.0},{day / 10.0},{cf},{1 - cf}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "metrics.csv"), metrics.ToString(), TestContext.Current.CancellationToken);
        Assert.Equal(0, (await Cli.RunAsync("report", folder, "-q")).ExitCode);
        string html = await File.ReadAllTextAsync(Path.Combine(folder, "report.html"), TestContext.Current.CancellationToken);
        int figures = Regex.Count(html, "<figure id=");
        Assert.Equal(9, figures);

        const string Guard = """
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <script>
            const blocked = [];
            document.addEventListener('securitypolicyviolation', e => blocked.push(e.blockedURI || e.violatedDirective));
            window.addEventListener('load', () => {
              const images = Array.from(document.images);
              const probe = document.createElement('pre');
              probe.id = 'probe';
              probe.textContent = JSON.stringify({
                images: images.length,
                loaded: images.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
                blocked: blocked,
                resources: performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith('data:')),
              });
              document.body.appendChild(probe);
            });
            </script>
            """;
        Assert.Equal(1, Regex.Count(html, "<head>"));
        string probed = temp.File("probed.html");
        await File.WriteAllTextAsync(probed, html.Replace("<head>", "<head>\n" + Guard, StringComparison.Ordinal), TestContext.Current.CancellationToken);

        string dom = Chromium.DumpDom(probed, temp.Sub("profile"));

        var match = Regex.Match(dom, "<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(match.Success, "the probe did not run: no load event within the time budget\n" + dom[..Math.Min(dom.Length, 2000)]);
        using var result = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
        Assert.Equal(figures, result.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(figures, result.RootElement.GetProperty("loaded").GetInt32());
        Assert.Empty(result.RootElement.GetProperty("blocked").EnumerateArray());
        Assert.Empty(result.RootElement.GetProperty("resources").EnumerateArray());
        Assert.Contains("<h2>Learning curves</h2>", dom, StringComparison.Ordinal);
    }
}

using System.Text.RegularExpressions;
using RecSynth.Cli.Rendering;
using RecSynth.Files;
using RecSynth.Gorse;
using RecSynth.Testing;
using Spectre.Console.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// Progress on stderr: every phase named, plain lines within 80 columns and not too many, rates in the phase's own unit
/// (sessions for weeks) and never "0 …/s", one time format for every ETA and duration; the live display fits 80 columns.
/// </summary>
public sealed partial class ProgressTests
{
    /// <summary>A rate that shows as zero: "0 weeks/s", "0.0 rows/s", not "10 rows/s" or "1,000 rows/s".</summary>
    [GeneratedRegex(@"(?<![\d,.])0(\.0+)? [a-z]+/s")]
    private static partial Regex ZeroRate();

    /// <summary>Every time shown, and its text.</summary>
    [GeneratedRegex(@"(ETA|done in) (?<time>\S+)")]
    private static partial Regex Time();

    [GeneratedRegex(@"^\d+:\d\d(:\d\d)?$")]
    private static partial Regex Clock();

    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(double seconds) => Ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    private static void AssertReadable(IEnumerable<string> lines, string all)
    {
        foreach (string line in lines)
        {
            Assert.True(line.Length <= 80, $"longer than 80 columns ({line.Length}): \"{line}\"\n{all}");
            Assert.False(ZeroRate().IsMatch(line), $"a rate of zero: \"{line}\"\n{all}");
            foreach (Match time in Time().Matches(line))
            {
                Assert.True(Clock().IsMatch(time.Groups["time"].Value), $"not the m:ss time format: \"{line}\"\n{all}");
            }
        }
    }

    [Fact]
    public async Task Plain_progress_of_a_small_generate_names_every_phase_within_80_columns_in_one_time_format()
    {
        using var temp = new TempDirectory("progress");
        string config = temp.File("weeks.toml");
        File.WriteAllText(config, Datasets.Weeks(3));

        var result = await Cli.RunAsync("generate", "-c", config, "--products", "20000", "--users", "3000", "--format", "csv,parquet", "-o", temp.Sub("data"));

        Assert.True(result.ExitCode == 0, result.ToString());
        GenerateTests.AssertPlainProgress(result.StdErr, 3, ("products.csv", 20_000), ("embeddings.npy", 20_000), ("users.csv", 3_000), ("ground_truth.csv", 3_000));
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertReadable(lines, result.StdErr);
        foreach (string table in new[] { "products", "users", "interactions", "sessions", "ground_truth" })
        {
            Assert.Single(lines, l => l.StartsWith($"recsynth: {table}.parquet ", StringComparison.Ordinal) && l.Contains("done in", StringComparison.Ordinal));
        }

        string[] phases = ["products.csv", "embeddings.npy", "users.csv", .. GenerateTests.WorldPhases.Select(p => p.Phase), "behaviour", "ground_truth.csv",
            "products.parquet", "users.parquet", "interactions.parquet", "sessions.parquet", "ground_truth.parquet"];
        Assert.Equal(phases.Order(), DonePhases(lines).Order()); // each once
    }

    /// <summary>The done line of each phase in <paramref name="lines"/>, in order (a phase run again has a line each time).</summary>
    private static string[] DonePhases(IEnumerable<string> lines) =>
        [.. lines.Where(l => l.StartsWith("recsynth: ", StringComparison.Ordinal) && l.Contains(", done in ", StringComparison.Ordinal))
            .Select(l => l["recsynth: ".Length..l.IndexOf('/', StringComparison.Ordinal)].TrimEnd("0123456789,.kMG".ToCharArray()).TrimEnd())];

    [Fact]
    public async Task Compare_shows_the_phases_of_each_policy_and_seed()
    {
        var result = await Cli.RunAsync("compare", "--products", "1500", "--users", "400", "--days", "14", "--policies", "uniform,thompson", "--repeats", "2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertReadable(lines, result.StdErr);
        // Seed by seed: one world, whose sources the first policy builds and the second reuses.
        string[] Seed(int seed) =>
            ["world products", "world users", $"running uniform, seed {seed}", "CF pools", "embeddings", "image index", "neighbour lists", "closed loop", "metrics",
             $"running thompson, seed {seed}", "closed loop", "metrics"];
        string[] expected = [.. Seed(42), .. Seed(43)];
        // A phase that lasts more than a second also has a line before its "done" line: only the "done" lines are compared.
        Assert.Equal(expected, lines.SelectMany(l => l.StartsWith("running ", StringComparison.Ordinal) ? [l] : DonePhases([l])));
    }

    [Fact]
    public async Task Evaluate_shows_reading_the_log_building_the_world_the_estimates_and_both_simulations()
    {
        using var temp = new TempDirectory("progress-evaluate");
        string folder = await Datasets.GenerateAsync(temp, "log", weeks: 2, products: 1000, users: 300);

        var result = await Cli.RunAsync("evaluate", folder, "--policy", "uniform", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertReadable(lines, result.StdErr);
        // One world for both simulations, whose sources the first builds and the second reuses.
        Assert.Equal(["sessions.csv", "world products", "world users", "estimates", "CF pools", "embeddings", "image index", "neighbour lists", "log replay", "closed loop", "metrics"], DonePhases(lines));
        Assert.Contains(lines, l => l.StartsWith("recsynth: log replay 2/2 weeks (100%)", StringComparison.Ordinal));

        var quiet = await Cli.RunAsync("evaluate", folder, "--policy", "uniform", "--json", "--quiet");
        Assert.Equal((0, ""), (quiet.ExitCode, quiet.StdErr));
    }

    /// <summary>The phases of a medium or large run on a clock the test moves: products, weeks, a long Parquet table, a push with retries.</summary>
    private static void ReportLargeRun(IProgress<GenerationProgress> progress, IProgress<GorsePushProgress> push, ManualClock clock)
    {
        const long products = 1_000_000;
        progress.Report(new("world products", 0, products, "products"));
        for (long done = 10_000; done <= products; done += 10_000)
        {
            clock.Advance(0.2);
            progress.Report(new("world products", done, products, "products"));
        }

        // Weeks are coarse: 0.4 weeks/s is 145,000 sessions/s.
        progress.Report(new("behaviour", 0, 53, "weeks") { Sessions = 0 });
        for (int week = 1; week <= 53; week++)
        {
            clock.Advance(2.5);
            progress.Report(new("behaviour", week, 53, "weeks") { Sessions = week * 362_500L });
        }

        progress.Report(new("interactions.parquet", 0, 123_170_041));
        for (long done = 131_072; done < 123_170_041; done += 131_072 * 8)
        {
            clock.Advance(0.7);
            progress.Report(new("interactions.parquet", done, 123_170_041));
        }

        clock.Advance(0.7);
        progress.Report(new("interactions.parquet", 123_170_041, 123_170_041));

        push.Report(new("feedback", 2_000_000, 12_317_041, 0)); // acknowledged before this run (a resume)
        for (long done = 2_010_000; done <= 12_317_041; done += 10_000)
        {
            clock.Advance(0.1);
            push.Report(new("feedback", done, 12_317_041, 12));
        }

        clock.Advance(0.1);
        push.Report(new("feedback", 12_317_041, 12_317_041, 12));
    }

    [Fact]
    public void Plain_lines_of_a_large_run_fit_80_columns_give_weeks_in_sessions_per_second_and_come_at_most_every_5_seconds()
    {
        var clock = new ManualClock();
        var text = new StringWriter { NewLine = "\n" };
        var lines = new ProgressDisplay.PlainLines(text, TimeSpan.FromSeconds(5), clock);

        ReportLargeRun(lines, lines, clock);

        string all = text.ToString();
        string[] written = all.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        AssertReadable(written, all);
        Assert.Contains(written, l => l.StartsWith("recsynth: behaviour ", StringComparison.Ordinal) && l.Contains(" sessions/s, ETA ", StringComparison.Ordinal));
        Assert.DoesNotContain("weeks/s", all, StringComparison.Ordinal);
        Assert.Contains(written, l => l.StartsWith("recsynth: feedback ", StringComparison.Ordinal) && l.Contains("12 retries, ETA ", StringComparison.Ordinal));
        // 20 s of products, 132.5 s of weeks, 83.3 s of Parquet, 103.2 s of push: a line after 1 s, then every 5 s at most, and one at the end.
        foreach (var (phase, seconds) in new[] { ("world products", 20.0), ("behaviour", 132.5), ("interactions.parquet", 83.3), ("feedback", 103.2) })
        {
            string[] mine = [.. written.Where(l => l.StartsWith($"recsynth: {phase} ", StringComparison.Ordinal))];
            Assert.InRange(mine.Length, 3, (int)(seconds / 5) + 2);
            Assert.DoesNotContain("done in", mine[0], StringComparison.Ordinal); // the first after a second
            Assert.Single(mine, l => l.Contains("done in", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_live_display_of_a_large_run_fits_an_80_column_terminal_without_wrapping()
    {
        using var console = new TestConsole().Width(80).Interactive();
        var clock = new ManualClock();
        string[] names = ["world products", "behaviour", "interactions.parquet", "feedback", "a name longer than …"];

        ProgressDisplay.RunLive(console, clock, display =>
        {
            ReportLargeRun(display, display, clock);
            display.Report(new GenerationProgress("a name longer than the column", 5, 10));
            return 0;
        });

        // Every frame drawn: a row per phase, each on one line (a wrapped row would go on in a line without its name and bar).
        string[] rows = [.. console.Lines.Where(l => l.Trim().Length > 0)];
        Assert.NotEmpty(rows);
        foreach (string row in rows)
        {
            Assert.True(row.Length <= 80, $"wider than 80 columns ({row.Length}): \"{row}\"\n{console.Output}");
            Assert.True(names.Count(n => row.TrimStart().StartsWith(n + " ", StringComparison.Ordinal)) == 1 && row.Contains('━', StringComparison.Ordinal),
                $"a row that is not one phase's (wrapped?): \"{row}\"\n{console.Output}");
        }

        AssertReadable(rows, console.Output);
        string[] last = [.. rows[^names.Length..].Select(r => r.TrimEnd())];
        Assert.Equal(names, last.Select(l => l[..20].TrimStart()));
        Assert.Contains(last, l => l.Contains(" 53/53 weeks", StringComparison.Ordinal) && l.EndsWith(", 145k sessions/s, done in 2:12", StringComparison.Ordinal));
        Assert.Contains(last, l => l.Contains(" 1M/1M products", StringComparison.Ordinal) && l.EndsWith(", 50k products/s, done in 0:20", StringComparison.Ordinal));
        Assert.Contains(last, l => l.Contains(" 12.3M/12.3M rows", StringComparison.Ordinal) && l.EndsWith(", 100k rows/s, done in 1:43", StringComparison.Ordinal));
    }
}

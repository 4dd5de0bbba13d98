using RecSynth.Cli.Rendering;

namespace RecSynth.Gorse.Tests;

/// <summary>The plain progress lines of a push (stderr not a terminal) on a clock the test moves: rates count only this run's rows.</summary>
public sealed class PushProgressLinesTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    private static (IProgress<GorsePushProgress> Progress, StringWriter Text, ManualClock Clock) Lines()
    {
        var clock = new ManualClock();
        var text = new StringWriter { NewLine = "\n" };
        return (new ProgressDisplay.PlainLines(text, TimeSpan.FromSeconds(5), clock), text, clock);
    }

    [Fact]
    public void A_resumed_tables_rate_counts_only_the_rows_sent_after_the_first_report()
    {
        var (progress, text, clock) = Lines();

        progress.Report(new("feedback", 900, 1000, 0)); // 900 rows acknowledged by an earlier run
        clock.Ticks += 2 * TimeSpan.TicksPerSecond;
        progress.Report(new("feedback", 1000, 1000, 1));

        Assert.Equal("recsynth: feedback 1,000/1,000 rows (100%), 50 rows/s, 1 retry, done in 0:02\n", text.ToString());
    }

    [Fact]
    public void A_table_acknowledged_before_the_run_has_no_rate()
    {
        var (progress, text, _) = Lines();

        progress.Report(new("users", 200, 200, 0));

        Assert.Equal("recsynth: users 200/200 rows (100%), 0 retries, done in 0:00\n", text.ToString());
    }

    [Fact]
    public void A_table_that_has_not_moved_has_no_rate_and_no_eta()
    {
        var (progress, text, clock) = Lines();

        progress.Report(new("items", 100, 300, 0));
        clock.Ticks += 6 * TimeSpan.TicksPerSecond;
        progress.Report(new("items", 100, 300, 3));

        Assert.Equal("recsynth: items 100/300 rows (33%), 3 retries\n", text.ToString());
    }

    [Theory]
    [InlineData(0, 1000.0, null)]
    [InlineData(1000, 0.0, null)]
    [InlineData(1000, 0.5, null)]
    [InlineData(1000, 2000.0, 500.0)]
    public void A_rate_needs_rows_and_time(long rows, double milliseconds, double? expected)
    {
        Assert.Equal(expected, ProgressDisplay.Rate(rows, TimeSpan.FromMilliseconds(milliseconds)));
    }
}

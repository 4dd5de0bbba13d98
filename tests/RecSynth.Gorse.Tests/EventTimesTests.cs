using RecSynth.Files;
using RecSynth.Gorse.Internals;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>The later events' times in a feedback's comment (docs/gorse.md), and how fit reads them (docs/fitting.md).</summary>
public sealed class EventTimesTests
{
    [Fact]
    public void A_comment_carries_the_later_times_after_the_types_and_reads_back()
    {
        long[] times = [1_000 + 86_400, 1_000, 1_000 + 3600, 1_000]; // a key's events, in no order
        string comment = EventTimes.Comment("cf,image", times);
        var read = new List<long>();

        Assert.Equal("cf,image;+0,+3600,+86400", comment);
        Assert.Equal([1_000L, 1_000, 4_600, 87_400], times); // sorted in place: times[0] is the row's Timestamp
        Assert.True(EventTimes.TryRead(comment, 1_000, 4, read));
        Assert.Equal(times, read);
        Assert.Equal("cf", EventTimes.Comment("cf", [1_000]));
        Assert.True(EventTimes.TryRead("a;b;+5", 10, 2, read)); // the types part may hold a ';': the times are after the last
        Assert.Equal([10L, 15], read);
    }

    [Theory]
    [InlineData("cf", 2)] // no times
    [InlineData("cf;+60", 3)] // fewer than Value - 1
    [InlineData("cf;+60,+120", 2)] // more
    [InlineData("cf;+120,+60", 3)] // not ascending
    [InlineData("cf;60", 2)] // no '+'
    [InlineData("cf;+-60", 2)]
    [InlineData("cf;+6e1", 2)]
    [InlineData("cf;+60,", 2)]
    [InlineData("cf;+99999999999", 2)] // over 300 years
    [InlineData("cf;+60", 1)] // a row of one event has no later time
    public void A_comment_that_does_not_give_exactly_the_later_times_gives_none(string comment, long events)
    {
        var times = new List<long> { 7 };

        Assert.False(EventTimes.TryRead(comment, 1_000, events, times));
        Assert.Empty(times);
    }

    [Fact]
    public void Times_that_would_make_the_comment_too_long_for_mysql_are_left_out()
    {
        long[] times = [.. Enumerable.Range(0, 20_001).Select(i => i * 1000L)];

        Assert.Equal("cf", EventTimes.Comment("cf", times));
        string shorter = EventTimes.Comment("cf", times.AsSpan(0, 5_001));
        Assert.StartsWith("cf;+1000,+2000,", shorter, StringComparison.Ordinal);
        Assert.True(shorter.Length <= EventTimes.MaxCommentLength);
    }

    /// <summary>
    /// Events at the comment's times split into sessions by them, and the log is a dataset's own (not keyed) only while
    /// every row of several events carries its times.
    /// </summary>
    [Fact]
    public void Fit_reads_a_rows_events_at_its_comments_times_and_keyed_only_when_some_row_stacks_them()
    {
        using var temp = new TempDirectory("event-times");
        string[] rows =
        [
            """{"FeedbackType":"view","UserId":"u1","ItemId":"i1","Value":3,"Timestamp":"2024-03-04T10:00:00Z","Comment":"cf;+60,+7200"}""",
            """{"FeedbackType":"like","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2024-03-04T10:00:01Z","Comment":"cf"}""",
            """{"FeedbackType":"purchase","UserId":"u2","ItemId":"i2","Value":1,"Timestamp":"2024-03-05T08:00:00Z","Comment":"image"}""",
        ];
        string carried = temp.File("carried.jsonl"), stacked = temp.File("stacked.jsonl");
        File.WriteAllLines(carried, rows);
        File.WriteAllLines(stacked, [.. rows, """{"FeedbackType":"view","UserId":"u2","ItemId":"i2","Value":2,"Timestamp":"2024-03-05T07:59:00Z","Comment":"image"}"""]);

        var log = GorseLog.ReadJsonLines(carried, EventLogMapping.RecSynth, cancellationToken: TestContext.Current.CancellationToken).Profile;
        var keyed = GorseLog.ReadJsonLines(stacked, EventLogMapping.RecSynth, cancellationToken: TestContext.Current.CancellationToken).Profile;

        Assert.False(log.Keyed);
        Assert.Equal(5, log.Events); // 3 + 1 + 1
        Assert.Equal(3, log.Sessions); // u1 at 10:00–10:01, u1 again two hours later, u2 at 08:00
        Assert.Equal((1L, 1L, 1L), (log.HourOfDay[10], log.HourOfDay[12], log.HourOfDay[8]));
        Assert.Equal((2L, 1L), (log.EventsPerSession[1], log.EventsPerSession[3]));
        Assert.True(keyed.Keyed);
        Assert.Equal(7, keyed.Events); // the carried row is still read at its times
        Assert.Equal(3, keyed.Sessions);
    }
}

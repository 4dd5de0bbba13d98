using System.Runtime.InteropServices;
using System.Text.Json;
using RecSynth.Files;
using RecSynth.Gorse.Internals;
using RecSynth.Fitting;

namespace RecSynth.Gorse;

/// <summary>
/// A Gorse's feedback read as a log for <c>recsynth fit</c> (docs/fitting.md), page by page through the cursor endpoint
/// <c>GET /api/feedback</c>. Gorse keeps one row per (type, user, product) with the time of its first event, and
/// accumulates a row's <c>Value</c> when feedback is inserted again (as <c>push</c> writes it, the number of events
/// with that key): a whole <c>Value</c> of 1 or more is read as that many events, anything else as one. The events
/// are at the times the row's <c>Comment</c> carries when <c>push</c> wrote them there (<c>cf;+3600,+86400</c>:
/// docs/gorse.md), else all at the row's time; the log is <see cref="LogProfile.Keyed"/> unless some row carried its
/// times and every row of several events did. A row without a time (Gorse stores it as year 1) is skipped and counted
/// as <see cref="NoTimestamp"/>.
/// </summary>
public static class GorseLog
{
    /// <summary>How rows without a time (Gorse's year 1) are counted among the skipped rows.</summary>
    public const string NoTimestamp = "(no timestamp)";

    /// <summary>Most events one row stands for.</summary>
    public const int MaxEventsPerRow = 1_000_000;

    /// <summary>
    /// Reads every feedback of <paramref name="client"/>'s Gorse, its types mapped by <paramref name="mapping"/> (the
    /// columns of the mapping are not used), sessions split after <paramref name="sessionGapSeconds"/> of inactivity.
    /// </summary>
    /// <exception cref="GorseException">The server refused a request (e.g. 401 for a wrong API key) or kept failing.</exception>
    /// <exception cref="DatasetUsageException">A mapped kind of event (view, like, purchase) has no row.</exception>
    public static async Task<LogReading> ReadAsync(
        GorseClient client, EventLogMapping mapping, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, int pageSize = 1000,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(mapping);
        using var log = new FeedbackLog(mapping, sessionGapSeconds, progress);
        await foreach (var feedback in client.ReadAllFeedbackAsync(pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (!log.Add(feedback))
            {
                throw new GorseException($"the server sent a feedback without a type, user or item ({feedback.FeedbackType}/{feedback.UserId}/{feedback.ItemId})");
            }
        }

        return log.Finish($"{client.Endpoint} feedback", cancellationToken);
    }

    /// <summary>
    /// Reads the feedback table of Gorse's SQL data store (<c>postgres://</c>, <c>mysql://</c>, <c>sqlite://</c>, or
    /// Gorse's <c>data_store</c> forms; <paramref name="options"/> gives the table prefix and the password), row by row.
    /// </summary>
    /// <exception cref="GorseException">The database cannot be reached or read (the URL named, never its password).</exception>
    /// <exception cref="DatasetUsageException">The URL or prefix is malformed, or a mapped kind of event has no row.</exception>
    public static async Task<LogReading> ReadDatabaseAsync(
        string url, GorseDatabaseOptions options, EventLogMapping mapping, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mapping);
        var target = GorseDatabasePush.Target(url, options);
        using var log = new FeedbackLog(mapping, sessionGapSeconds, progress);
        await using (var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await foreach (var row in target.ReadFeedbackAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    var feedback = new GorseFeedback
                    {
                        FeedbackType = row.FeedbackType,
                        UserId = row.UserId,
                        ItemId = row.ItemId,
                        Value = row.Value,
                        Timestamp = new DateTimeOffset(DateTime.SpecifyKind(row.TimeStamp, DateTimeKind.Utc)),
                        Comment = row.Comment,
                    };
                    if (!log.Add(feedback))
                    {
                        throw new GorseException($"{target.Url.Display}: a feedback row without a type, user or item ({row.FeedbackType}/{row.UserId}/{row.ItemId})");
                    }
                }
            }
            catch (System.Data.Common.DbException e)
            {
                throw new GorseException($"cannot read Gorse's feedback table in {target.Url.Display}: {e.Message}", e);
            }
        }

        return log.Finish($"{target.Url.Display} feedback", cancellationToken);
    }

    /// <summary>
    /// Reads a Gorse feedback export in JSON Lines (<c>feedback.jsonl</c>, as <c>recsynth export --format gorse-jsonl</c>
    /// and Gorse's bulk export write it: one object per line with FeedbackType, UserId, ItemId, Value, Timestamp, Comment).
    /// </summary>
    /// <exception cref="DatasetUsageException">
    /// The file is missing, a line is not such an object (named by file and line), or a mapped kind of event has no row.
    /// </exception>
    public static LogReading ReadJsonLines(
        string path, EventLogMapping mapping, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mapping);
        if (!File.Exists(path))
        {
            throw new DatasetUsageException($"{path} does not exist");
        }

        string name = Path.GetFileName(path);
        using var log = new FeedbackLog(mapping, sessionGapSeconds, progress);
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            if ((line & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            GorseFeedback? feedback;
            try
            {
                feedback = JsonSerializer.Deserialize(text, GorseJson.Default.GorseFeedback);
            }
            catch (JsonException e)
            {
                throw new DatasetUsageException($"{name} line {line}: not a Gorse feedback object: {e.Message}", e);
            }

            if (feedback is null || !log.Add(feedback))
            {
                throw new DatasetUsageException($"{name} line {line}: a feedback needs a FeedbackType, a UserId and an ItemId");
            }
        }

        return log.Finish(name, cancellationToken);
    }

    /// <summary>Feedback rows read into a log, with what tells whether it is keyed.</summary>
    private sealed class FeedbackLog(EventLogMapping mapping, long sessionGapSeconds, IProgress<long>? progress) : IDisposable
    {
        private readonly LogBuilder _builder = new(mapping, sessionGapSeconds);
        private readonly List<long> _times = [];
        private long _carried; // rows of several events whose comment gave their times
        private long _stacked; // rows of several events at one time

        /// <summary>Adds a feedback row as its events; false when it lacks a type, user or item.</summary>
        public bool Add(GorseFeedback feedback)
        {
            if (string.IsNullOrEmpty(feedback.UserId) || string.IsNullOrEmpty(feedback.ItemId) || string.IsNullOrEmpty(feedback.FeedbackType))
            {
                return false;
            }

            if (feedback.Timestamp.Year <= 1)
            {
                // Gorse stores a feedback sent without a time as year 1: it has no place in the log's time line.
                _builder.Skip(NoTimestamp);
            }
            else
            {
                double value = feedback.Value;
                int count = value >= 1 && value == Math.Floor(value) ? (int)Math.Min(value, MaxEventsPerRow) : 1;
                long time = feedback.Timestamp.ToUnixTimeSeconds();
                if (count > 1 && EventTimes.TryRead(feedback.Comment, time, count, _times))
                {
                    _carried++;
                    _builder.Add(feedback.UserId, feedback.ItemId, feedback.FeedbackType, CollectionsMarshal.AsSpan(_times));
                }
                else
                {
                    _stacked += count > 1 ? 1 : 0;
                    _builder.Add(feedback.UserId, feedback.ItemId, feedback.FeedbackType, time, -1, count);
                }
            }

            if ((_builder.Rows & 0xFFFF) == 0)
            {
                progress?.Report(_builder.Rows);
            }

            return true;
        }

        /// <summary>
        /// The log's profile, keyed unless it is a dataset's own log: some row carried its events' times and none of
        /// several events stacked them at one time.
        /// </summary>
        public LogReading Finish(string source, CancellationToken cancellationToken)
        {
            progress?.Report(_builder.Rows);
            var reading = _builder.Finish(cancellationToken);
            LogProfiles.RequireEveryKind(reading, mapping, source, "FeedbackType");
            return reading with { Profile = reading.Profile with { Keyed = _carried == 0 || _stacked > 0 } };
        }

        public void Dispose() => _builder.Dispose();
    }
}

using System.Text.Json;
using RecSynth.Files;
using RecSynth.Gorse.Internals;
using RecSynth.Fitting;

namespace RecSynth.Gorse;

/// <summary>
/// A Gorse's feedback read as a log for <c>recsynth fit</c> (docs/fitting.md), page by page through the cursor endpoint
/// <c>GET /api/feedback</c>. Gorse keeps one row per (type, user, product) with the time of its first event, and
/// accumulates a row's <c>Value</c> when feedback is inserted again (as <c>push</c> writes it, the number of events
/// with that key): a whole <c>Value</c> of 1 or more is read as that many events at the row's time, anything else as one.
/// A row without a time (Gorse stores it as year 1) is skipped and counted as <see cref="NoTimestamp"/>.
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
        using var builder = new LogBuilder(mapping, sessionGapSeconds, keyed: true);
        await foreach (var feedback in client.ReadAllFeedbackAsync(pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (!Add(builder, feedback, progress))
            {
                throw new GorseException($"the server sent a feedback without a type, user or item ({feedback.FeedbackType}/{feedback.UserId}/{feedback.ItemId})");
            }
        }

        return Finish(builder, mapping, $"{client.Endpoint} feedback", progress, cancellationToken);
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
        using var builder = new LogBuilder(mapping, sessionGapSeconds, keyed: true);
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
                    };
                    if (!Add(builder, feedback, progress))
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

        return Finish(builder, mapping, $"{target.Url.Display} feedback", progress, cancellationToken);
    }

    /// <summary>
    /// Reads a Gorse feedback export in JSON Lines (<c>feedback.jsonl</c>, as <c>recsynth export --format gorse-jsonl</c>
    /// and Gorse's bulk export write it: one object per line with FeedbackType, UserId, ItemId, Value, Timestamp).
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
        using var builder = new LogBuilder(mapping, sessionGapSeconds, keyed: true);
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

            if (feedback is null || !Add(builder, feedback, progress))
            {
                throw new DatasetUsageException($"{name} line {line}: a feedback needs a FeedbackType, a UserId and an ItemId");
            }
        }

        return Finish(builder, mapping, name, progress, cancellationToken);
    }

    /// <summary>Adds a feedback row as its events; false when it lacks a type, user or item.</summary>
    private static bool Add(LogBuilder builder, GorseFeedback feedback, IProgress<long>? progress)
    {
        if (string.IsNullOrEmpty(feedback.UserId) || string.IsNullOrEmpty(feedback.ItemId) || string.IsNullOrEmpty(feedback.FeedbackType))
        {
            return false;
        }

        if (feedback.Timestamp.Year <= 1)
        {
            // Gorse stores a feedback sent without a time as year 1: it has no place in the log's time line.
            builder.Skip(NoTimestamp);
        }
        else
        {
            double value = feedback.Value;
            int count = value >= 1 && value == Math.Floor(value) ? (int)Math.Min(value, MaxEventsPerRow) : 1;
            builder.Add(feedback.UserId, feedback.ItemId, feedback.FeedbackType, feedback.Timestamp.ToUnixTimeSeconds(), -1, count);
        }

        if ((builder.Rows & 0xFFFF) == 0)
        {
            progress?.Report(builder.Rows);
        }

        return true;
    }

    private static LogReading Finish(LogBuilder builder, EventLogMapping mapping, string source, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(builder.Rows);
        var reading = builder.Finish(cancellationToken);
        LogProfiles.RequireEveryKind(reading, mapping, source, "FeedbackType");
        return reading;
    }
}

using RecSynth.Files;
using RecSynth.Fitting;

namespace RecSynth.Gorse;

/// <summary>
/// A Gorse's feedback read as a log for <c>recsynth fit</c> (docs/fitting.md), page by page through the cursor endpoint
/// <c>GET /api/feedback</c>. Gorse keeps one row per (type, user, product) with the time of its first event, and
/// accumulates a row's <c>Value</c> when feedback is inserted again (as <c>push</c> writes it, the number of events
/// with that key): a whole <c>Value</c> of 1 or more is read as that many events at the row's time, anything else as one.
/// </summary>
public static class GorseLog
{
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
        using var builder = new LogBuilder(mapping, sessionGapSeconds);
        await foreach (var feedback in client.ReadAllFeedbackAsync(pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrEmpty(feedback.UserId) || string.IsNullOrEmpty(feedback.ItemId) || string.IsNullOrEmpty(feedback.FeedbackType))
            {
                throw new GorseException($"the server sent a feedback without a type, user or item ({feedback.FeedbackType}/{feedback.UserId}/{feedback.ItemId})");
            }

            double value = feedback.Value;
            int count = value >= 1 && value == Math.Floor(value) ? (int)Math.Min(value, MaxEventsPerRow) : 1;
            builder.Add(feedback.UserId, feedback.ItemId, feedback.FeedbackType, feedback.Timestamp.ToUnixTimeSeconds(), -1, count);
            if ((builder.Rows & 0xFFFF) == 0)
            {
                progress?.Report(builder.Rows);
            }
        }

        progress?.Report(builder.Rows);
        var reading = builder.Finish(cancellationToken);
        LogProfiles.RequireEveryKind(reading, mapping, $"{client.Endpoint} feedback", "FeedbackType");
        return reading;
    }
}

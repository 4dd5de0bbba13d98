using System.Diagnostics;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// Writes a dataset into Gorse: users and items first (feedback naming an unknown user or item may be dropped), then
/// the aggregated feedback with PUT, so a retried batch changes nothing. Each acknowledged batch is recorded in the
/// folder's checkpoint (<c>gorse-push.checkpoint.json</c>) before the next is counted; a resume skips them.
/// </summary>
public static class GorsePush
{
    /// <summary>The tables, in the order they are pushed.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["users", "items", "feedback"];

    /// <summary>The checkpoint file's name in the dataset folder.</summary>
    public static string CheckpointFileName => PushCheckpoint.FileName;

    /// <summary>
    /// Pushes every table, once the server's health check says it is ready (a server that is not there fails at once,
    /// not after the retries of the first batch). When <paramref name="stop"/> is cancelled, the batches in flight are
    /// finished and recorded, then an <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="GorseException">The server cannot be reached or is not ready (the message names its URL), or Gorse refused a batch (a 4xx, or a transient failure that outlasted the retries; the message names the batch and its first ids).</exception>
    public static async Task<IReadOnlyList<GorseTableResult>> RunAsync(
        GorseDataset dataset, GorseClient client, GorsePushOptions options, IProgress<GorsePushProgress>? progress = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        int batchSize = options.BatchSize;
        var rows = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["users"] = dataset.UserCount,
            ["items"] = dataset.ItemCount,
            ["feedback"] = dataset.FeedbackCount,
        };
        var batches = rows.ToDictionary(r => r.Key, r => (r.Value + batchSize - 1) / batchSize, StringComparer.Ordinal);
        // A resume of another push is refused before any request, and an earlier checkpoint is kept until the server answers.
        var checkpoint = PushCheckpoint.Open(dataset, client.Endpoint.ToString(), batchSize, batches, options.Resume);
        await client.EnsureReadyAsync("push", stop).ConfigureAwait(false);
        checkpoint.Save();

        var results = new List<GorseTableResult>();
        foreach (string table in Tables)
        {
            Func<int, int, CancellationToken, Task> send = table switch
            {
                "users" => (from, count, token) => client.InsertUsersAsync(Build(from, count, dataset.User), token),
                "items" => (from, count, token) => client.InsertItemsAsync(Build(from, count, dataset.Item), token),
                _ => (from, count, token) => client.PutFeedbackAsync(Build(from, count, dataset.Feedback), token),
            };
            Func<int, string> id = table switch
            {
                "users" => i => dataset.User(i).UserId,
                "items" => i => dataset.Item(i).ItemId,
                _ => i => dataset.Feedback(i) is var f ? $"{f.FeedbackType}/{f.UserId}/{f.ItemId}" : "",
            };
            results.Add(await PushTableAsync(table, rows[table], batchSize, options.Concurrency, send, id, checkpoint, client, progress, stop).ConfigureAwait(false));
            stop.ThrowIfCancellationRequested();
        }

        return results;
    }

    private static List<T> Build<T>(int from, int count, Func<int, T> row)
    {
        var list = new List<T>(count);
        for (int i = from; i < from + count; i++)
        {
            list.Add(row(i));
        }

        return list;
    }

    private static async Task<GorseTableResult> PushTableAsync(
        string table, int rowCount, int batchSize, int concurrency, Func<int, int, CancellationToken, Task> send, Func<int, string> id,
        PushCheckpoint checkpoint, GorseClient client, IProgress<GorsePushProgress>? progress, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        long retriesBefore = client.Retries;
        int batchCount = (rowCount + batchSize - 1) / batchSize;
        var pending = Enumerable.Range(0, batchCount).Where(b => !checkpoint.IsDone(table, b)).ToArray();
        int skipped = batchCount - pending.Length;
        long done = Enumerable.Range(0, batchCount).Where(b => checkpoint.IsDone(table, b)).Sum(b => (long)Math.Min(batchSize, rowCount - b * batchSize));
        progress?.Report(new(table, done, rowCount, 0));

        int next = -1, sent = 0;
        long rowsSent = 0;
        Exception? failure = null;
        using var failed = new CancellationTokenSource();
        async Task Worker()
        {
            while (!stop.IsCancellationRequested && !failed.IsCancellationRequested)
            {
                int slot = Interlocked.Increment(ref next);
                if (slot >= pending.Length)
                {
                    return;
                }

                int batch = pending[slot];
                int from = batch * batchSize, count = Math.Min(batchSize, rowCount - from);
                try
                {
                    // Not cancelled by Ctrl+C: a batch in flight is finished and recorded.
                    await send(from, count, CancellationToken.None).ConfigureAwait(false);
                }
                catch (GorseException e)
                {
                    string first = string.Join(", ", Enumerable.Range(from, Math.Min(3, count)).Select(id));
                    Interlocked.CompareExchange(ref failure, new GorseException(
                        $"{table} batch {batch + 1} of {batchCount} (rows {from + 1}-{from + count}; first ids {first}) failed: {e.Message}", e), null);
                    await failed.CancelAsync().ConfigureAwait(false);
                    return;
                }

                checkpoint.Acknowledge(table, batch);
                Interlocked.Increment(ref sent);
                Interlocked.Add(ref rowsSent, count);
                long now = Interlocked.Add(ref done, count);
                progress?.Report(new(table, now, rowCount, client.Retries - retriesBefore));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, pending.Length))).Select(_ => Task.Run(Worker, CancellationToken.None))).ConfigureAwait(false);
        if (failure is not null)
        {
            throw failure;
        }

        stop.ThrowIfCancellationRequested();
        return new GorseTableResult(table, rowCount, rowsSent, sent, skipped, client.Retries - retriesBefore, clock.Elapsed);
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using RecSynth.Files;
using RecSynth.Gorse.Database;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// Loads a dataset straight into Gorse's SQL data store (<c>postgres://</c>, <c>mysql://</c> or <c>sqlite://</c>, the
/// URL forms of Gorse's <c>data_store</c>), bypassing the REST API: the rows Gorse would write for the REST push's
/// requests (users and items upserted, feedback with PUT's overwrite), in bulk. Gorse's tables are created when absent
/// exactly as Gorse creates them, and existing ones that differ are refused. Each batch is committed together with its
/// row in a progress table, so a load stopped at any point (Ctrl+C, a kill, a lost server) resumes exactly; a lost
/// connection is retried. See docs/gorse.md, "Loading into Gorse's database".
/// </summary>
public static class GorseDatabasePush
{
    /// <summary>The URL with its password shown as <c>***</c>, as messages show it.</summary>
    /// <exception cref="DatasetUsageException">The URL is not one of Gorse's forms (the message says why, never the password).</exception>
    public static string Describe(string url) => Parse(url, null).Display;

    /// <summary>
    /// Loads users, items and feedback. When <paramref name="stop"/> is cancelled, the batch in flight is committed
    /// and an <see cref="OperationCanceledException"/> is thrown; a run with <see cref="GorseDatabaseOptions.Resume"/>
    /// goes on from there.
    /// </summary>
    /// <exception cref="DatasetUsageException">The URL is not one of Gorse's, or a resume finds a load of other data.</exception>
    /// <exception cref="GorseException">The database cannot be reached, holds tables unlike Gorse's, or refused a batch.</exception>
    public static async Task<IReadOnlyList<GorseTableResult>> RunAsync(
        GorseDataset dataset, string url, GorseDatabaseOptions options, IProgress<GorsePushProgress>? progress = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var target = Target(url, options);
        int batchSize = options.BatchSize ?? target.DefaultBatchSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        // The load's identity: the files read, the label options, the batch size and the database and prefix.
        string load = PushCheckpoint.Describe(dataset, $"{target.Url.Display}#{target.Prefix}", batchSize).Fingerprint[..32];
        var rows = new GorseRows(dataset);
        var session = new Session(target, options, stop);
        try
        {
            await session.ConnectAsync().ConfigureAwait(false); // a database that is not there fails at once, not after the retries
            var recorded = await session.RunAsync(async (connection, token) =>
            {
                await GorseSchema.EnsureAsync(connection, target.Dialect, target.Prefix, token).ConfigureAwait(false);
                await target.EnsureProgressTableAsync(connection, token).ConfigureAwait(false);
                var found = await target.ReadProgressAsync(connection, token).ConfigureAwait(false);
                if (!options.Resume)
                {
                    await target.ResetAsync(connection, token).ConfigureAwait(false);
                    return [];
                }

                if (found.Keys.FirstOrDefault(k => k.Load != load) is { Load: not null } other)
                {
                    throw new DatasetUsageException(
                        $"cannot resume: {target.Url.Display} holds a load of other data or options (another dataset, --with-embeddings, --with-ground-truth, "
                        + $"--batch-size or --table-prefix) in {target.Prefix}{DatabaseTarget.ProgressName}; drop --resume to load everything again");
                }

                return found;
            }).ConfigureAwait(false);

            var results = new List<GorseTableResult>();
            foreach (string table in GorsePush.Tables)
            {
                var done = recorded.TryGetValue((load, table), out var set) ? set : [];
                results.Add(await LoadTableAsync(session, rows, table, batchSize, load, done, progress).ConfigureAwait(false));
                stop.ThrowIfCancellationRequested();
            }

            await session.RunAsync(async (connection, token) => { await target.FinishAsync(connection, token).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            return results;
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<GorseTableResult> LoadTableAsync(
        Session session, GorseRows rows, string table, int batchSize, string load, HashSet<int> recorded, IProgress<GorsePushProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        long retriesBefore = session.Retries;
        long total = rows.Count(table);
        int batchCount = (int)((total + batchSize - 1) / batchSize);
        long done = recorded.Where(b => b < batchCount).Sum(b => (long)Math.Min(batchSize, total - (long)b * batchSize));
        progress?.Report(new(table, done, total, 0));
        var target = session.Target;
        bool bulk = table == "feedback" && await session.RunAsync((connection, token) => target.PrepareBulkAsync(connection, recorded.Count > 0, token)).ConfigureAwait(false);

        long sent = 0;
        int batchesSent = 0;
        for (int batch = 0; batch < batchCount; batch++)
        {
            if (recorded.Contains(batch))
            {
                continue;
            }

            session.Stop.ThrowIfCancellationRequested();
            int from = batch * batchSize, count = (int)Math.Min(batchSize, total - from);
            int b = batch;
            try
            {
                await session.RunAsync(async (connection, token) =>
                {
                    // After a lost connection the commit may have made it: the progress row says.
                    if (session.Reconnected && await target.IsRecordedAsync(connection, load, table, b, token).ConfigureAwait(false))
                    {
                        return 0;
                    }

                    await (bulk
                        ? target.WriteBulkBatchAsync(connection, rows, from, count, load, b, token)
                        : target.WriteBatchAsync(connection, rows, table, from, count, load, b, token)).ConfigureAwait(false);
                    return 0;
                }).ConfigureAwait(false);
            }
            catch (GorseException e)
            {
                string first = string.Join(", ", Enumerable.Range(from, Math.Min(3, count)).Select(i => rows.Key(table, i)));
                throw new GorseException(string.Create(CultureInfo.InvariantCulture,
                    $"{table} batch {batch + 1} of {batchCount} (rows {from + 1}-{from + count}; first ids {first}) failed: {e.Message}"), e);
            }

            sent += count;
            batchesSent++;
            done += count;
            progress?.Report(new(table, done, total, session.Retries - retriesBefore));
        }

        if (bulk)
        {
            session.Stop.ThrowIfCancellationRequested();
            await session.RunAsync(async (_, token) => { await target.FinishBulkAsync(rows, total, token).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
        }

        return new GorseTableResult(table, total, sent, batchesSent, batchCount - batchesSent, session.Retries - retriesBefore, clock.Elapsed);
    }

    /// <summary>
    /// Reads the three tables back and compares them with the dataset row by row (missing, different, not in the
    /// dataset), and reports each table's checksum over the dataset and over what the database holds.
    /// </summary>
    public static async Task<IReadOnlyList<GorseTableCheck>> VerifyAsync(
        GorseDataset dataset, string url, GorseDatabaseOptions options, IProgress<GorseVerifyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var target = Target(url, options);
        var rows = new GorseRows(dataset);
        await using var connection = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var users = await GorseVerify.CompareAsync(
                "users", dataset.UserCount, rows.User, u => u.UserId, target.ReadUsersAsync(connection, cancellationToken), DescribeUser, 10_000, progress,
                RowHash.Of).ConfigureAwait(false);
            var items = await GorseVerify.CompareAsync(
                "items", dataset.ItemCount, rows.Item, i => i.ItemId, target.ReadItemsAsync(connection, cancellationToken), DescribeItem, 10_000, progress,
                RowHash.Of).ConfigureAwait(false);
            var feedback = await GorseVerify.CompareAsync(
                "feedback", dataset.FeedbackCount, rows.Feedback, f => $"{f.FeedbackType}/{f.UserId}/{f.ItemId}", target.ReadFeedbackAsync(connection, cancellationToken),
                DescribeFeedback, 10_000, progress, RowHash.Of).ConfigureAwait(false);
            return [users, items, feedback];
        }
        catch (DbException e)
        {
            throw new GorseException($"cannot read Gorse's tables in {target.Url.Display}: {e.Message}", e);
        }
    }

    private static string? DescribeUser(UserValues expected, UserValues actual) =>
        GoJson.Canonical(expected.Labels) != GoJson.Canonical(actual.Labels) ? "labels differ"
        : expected.Comment != actual.Comment ? $"comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    private static string? DescribeItem(ItemValues expected, ItemValues actual) =>
        GoJson.Canonical(expected.Categories) != GoJson.Canonical(actual.Categories) ? $"categories {actual.Categories} instead of {expected.Categories}"
        : expected.TimeStamp != actual.TimeStamp ? $"time_stamp {Rfc3339Converter.Format(actual.TimeStamp)} instead of {Rfc3339Converter.Format(expected.TimeStamp)}"
        : expected.IsHidden != actual.IsHidden ? $"is_hidden {actual.IsHidden}"
        : GoJson.Canonical(expected.Labels) != GoJson.Canonical(actual.Labels) ? "labels differ"
        : expected.Comment != actual.Comment ? $"comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    private static string? DescribeFeedback(FeedbackValues expected, FeedbackValues actual) =>
        expected.Value != actual.Value ? string.Create(CultureInfo.InvariantCulture, $"value {actual.Value} instead of {expected.Value}")
        : expected.TimeStamp != actual.TimeStamp ? $"time_stamp {Rfc3339Converter.Format(actual.TimeStamp)} instead of {Rfc3339Converter.Format(expected.TimeStamp)}"
        : expected.Updated != actual.Updated ? $"updated {Rfc3339Converter.Format(actual.Updated)} instead of {Rfc3339Converter.Format(expected.Updated)}"
        : GoJson.Canonical(expected.Labels) != GoJson.Canonical(actual.Labels) ? "labels differ"
        : expected.Comment != actual.Comment ? $"comment '{actual.Comment}' instead of '{expected.Comment}'"
        : null;

    private static GorseDatabaseUrl Parse(string url, string? password)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            var parsed = GorseDatabaseUrl.Parse(url);
            return password is null ? parsed : parsed.WithPassword(password);
        }
        catch (FormatException e)
        {
            throw new DatasetUsageException(e.Message, e);
        }
    }

    /// <summary>Whether <paramref name="prefix"/> can be Gorse's <c>table_prefix</c> here: ASCII letters, digits and '_' only (it is spliced into SQL).</summary>
    public static bool IsTablePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>The database the URL and options name, checked before anything is opened.</summary>
    internal static DatabaseTarget Target(string url, GorseDatabaseOptions options) =>
        IsTablePrefix(options.TablePrefix)
            ? DatabaseTarget.Create(Parse(url, options.Password), options.TablePrefix)
            : throw new DatasetUsageException($"the table prefix '{options.TablePrefix}' may hold only ASCII letters, digits and '_' (Gorse's table_prefix)");

    /// <summary>One connection, reopened after a transient failure (up to the retries, with a doubling pause), and the stop token.</summary>
    private sealed class Session(DatabaseTarget target, GorseDatabaseOptions options, CancellationToken stop) : IAsyncDisposable
    {
        private DbConnection? _connection;

        public DatabaseTarget Target { get; } = target;

        public CancellationToken Stop { get; } = stop;

        public long Retries { get; private set; }

        /// <summary>Whether the connection in use replaced a lost one during the current call.</summary>
        public bool Reconnected { get; private set; }

        /// <summary>
        /// Runs <paramref name="work"/> on the connection; not cancelled by <see cref="Stop"/> (work in flight is
        /// committed), only by the retries running out.
        /// </summary>
        public async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work)
        {
            Reconnected = false;
            var pause = options.RetryDelay;
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    _connection ??= await Target.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                    return await work(_connection, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < options.MaxRetries && (DatabaseTarget.IsTransient(e) || e is GorseException { InnerException: { } inner } && DatabaseTarget.IsTransient(inner)))
                {
                    Retries++;
                    options.OnRetry?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"{Target.Url.Display}: {e.Message}; retry {attempt + 1} of {options.MaxRetries} in {pause.TotalSeconds:0.#} s"));
                    await DropAsync().ConfigureAwait(false);
                    await Task.Delay(pause, CancellationToken.None).ConfigureAwait(false);
                    pause *= 2;
                    Reconnected = true;
                }
                catch (DbException e)
                {
                    throw new GorseException($"{Target.Url.Display}: {e.Message}", e);
                }
            }
        }

        /// <summary>The first connection: not retried.</summary>
        public async Task ConnectAsync() => _connection = await Target.OpenAsync(Stop).ConfigureAwait(false);

        public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);

        private async Task DropAsync()
        {
            if (_connection is not null)
            {
                try
                {
                    await _connection.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (DatabaseTarget.IsTransient(e) || e is DbException)
                {
                    // A broken connection may fail to close; it is gone either way.
                }

                _connection = null;
            }
        }
    }
}

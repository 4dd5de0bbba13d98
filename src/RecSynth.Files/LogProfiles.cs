using System.Collections.Concurrent;
using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Files.Internals;
using RecSynth.Fitting;

namespace RecSynth.Files;

/// <summary>A log's profile, with what reading it skipped.</summary>
/// <param name="Profile">The profile of the events read.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Skipped">Rows of event types the mapping does not name, by type (at most 20 types listed).</param>
public sealed record LogReading(LogProfile Profile, long Rows, IReadOnlyDictionary<string, long> Skipped);

/// <summary>
/// Reads a log in one streaming pass into a <see cref="LogProfile"/> (docs/fitting.md): a RecSynth dataset's
/// interactions, or an event log in CSV or Parquet through an <see cref="EventLogMapping"/>. Memory grows with the
/// users and products (their ids and counters), not with the events.
/// </summary>
public static class LogProfiles
{
    /// <summary>Rows between two progress reports.</summary>
    public const int ProgressRows = 1 << 20;

    /// <summary>
    /// The profile of a RecSynth dataset's interactions (CSV, Parquet or shards' parts), read as a log: sessions split
    /// after <paramref name="sessionGapSeconds"/> of a user's inactivity (as in a log without sessions, such as Gorse's
    /// feedback), or by the <c>SessionId</c> column with <paramref name="sessionIds"/>.
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder has no interactions, or a row is malformed (named by file and line).</exception>
    public static LogReading FromDataset(
        string directory, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, bool sessionIds = false, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = DatasetReader.TableFiles(directory, DatasetReader.InteractionsFile);
        if (files.Count == 0)
        {
            throw new DatasetUsageException($"{directory} has no {DatasetReader.InteractionsFile} (nor its Parquet form): not a RecSynth dataset with behaviour");
        }

        // A dataset's interactions are in time order, and each user's in one part: no sort needed.
        var mapping = sessionIds ? EventLogMapping.RecSynth : EventLogMapping.RecSynth with { Session = null };
        return Read([.. files.Select(f => Path.Combine(directory, f))], mapping, sessionGapSeconds, ordered: true, progress, cancellationToken);
    }

    /// <summary>
    /// The profile of an event log (a CSV or Parquet file, by its extension) read through <paramref name="mapping"/>;
    /// without a session column, sessions split after <paramref name="sessionGapSeconds"/> of a user's inactivity.
    /// </summary>
    /// <exception cref="DatasetUsageException">
    /// The file is missing or unreadable, a mapped column is missing, a field is malformed (named by file, line and
    /// column), or a mapped kind of event (view, like, purchase) has no row.
    /// </exception>
    public static LogReading FromEventLog(
        string path, EventLogMapping mapping, long sessionGapSeconds = LogProfiler.DefaultSessionGapSeconds, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mapping);
        if (!File.Exists(path))
        {
            throw new DatasetUsageException($"{path} does not exist");
        }

        var reading = Read([path], mapping, sessionGapSeconds, ordered: false, progress, cancellationToken);
        RequireEveryKind(reading, mapping, Path.GetFileName(path), $"column '{mapping.Type}'");
        return reading;
    }

    /// <summary>
    /// Refuses a reading in which a kind of event (view, like, purchase) has no event: its names in
    /// <paramref name="mapping"/> are not the log's, and a fit would set that kind's scale to nothing.
    /// </summary>
    /// <exception cref="DatasetUsageException">A kind has no event; the message names the types the log has instead.</exception>
    public static void RequireEveryKind(LogReading reading, EventLogMapping mapping, string source, string typeField)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(mapping);
        var profile = reading.Profile;
        foreach (var (kind, count, names) in new[] { ("view", profile.Views, mapping.Views), ("like", profile.Likes, mapping.Likes), ("purchase", profile.Purchases, mapping.Purchases) })
        {
            if (count == 0)
            {
                string seen = reading.Skipped.Count == 0 ? "none" : string.Join(", ", reading.Skipped.Keys.Select(k => $"'{k}'"));
                throw new DatasetUsageException(
                    $"{source}: no row of {typeField} is {string.Join(" or ", names.Select(n => $"'{n}'"))}, mapped to {kind} " +
                    $"(the other types there: {seen}); map {kind} to a type the log has with --types {kind}=NAME");
            }
        }
    }

    /// <summary>
    /// Reads the files into a profile; events not known to be <paramref name="ordered"/> by time within each user go
    /// through a <see cref="UserOrder"/> first.
    /// </summary>
    private static LogReading Read(string[] files, EventLogMapping mapping, long gap, bool ordered, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var builder = new LogBuilder(mapping, gap, ordered);
        List<string> columns = [mapping.User, mapping.Item, mapping.Type, mapping.Time];
        if (mapping.Session is not null)
        {
            columns.Add(mapping.Session);
        }

        // Two stages on two threads: this one parses the rows and hashes their ids into batches; the other gives the
        // ids their indices and profiles (or sorts) the events, batch by batch, in order.
        using var full = new BlockingCollection<(Row[] Rows, int Count)>(boundedCapacity: 4);
        using var free = new BlockingCollection<Row[]>();
        for (int b = 0; b < 6; b++)
        {
            free.Add(new Row[BatchRows], cancellationToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumer = Task.Run(() =>
        {
            try
            {
                foreach (var (batch, count) in full.GetConsumingEnumerable(stop.Token))
                {
                    foreach (ref readonly var row in batch.AsSpan(0, count))
                    {
                        builder.Add(row.User, row.Item, row.Kind, row.Time, row.Session, 1);
                    }

                    free.Add(batch, stop.Token);
                }
            }
            catch
            {
                stop.Cancel(); // the reader must not wait for batches that will never come back
                throw;
            }
        }, stop.Token);

        long rows = 0;
        try
        {
            var current = free.Take(stop.Token);
            int filled = 0;
            foreach (string file in files)
            {
                using var table = DatasetTable.OpenFile(file, columns);
                while (table.MoveNext())
                {
                    if ((++rows & (ProgressRows - 1)) == 0)
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        progress?.Report(rows);
                    }

                    var user = NotEmpty(table, 0, mapping.User);
                    var item = NotEmpty(table, 1, mapping.Item);
                    var type = NotEmpty(table, 2, mapping.Type);
                    long time = Time(table, 3, mapping.Time);
                    long session = mapping.Session is null ? -1 : Session(table, 4, mapping.Session);
                    if (builder.Kind(type) is not { } kind)
                    {
                        builder.Skip(type);
                        continue;
                    }

                    current[filled++] = new Row(LogBuilder.Hash(user), LogBuilder.Hash(item), time, session, kind);
                    if (filled == BatchRows)
                    {
                        full.Add((current, filled), stop.Token);
                        current = free.Take(stop.Token);
                        filled = 0;
                    }
                }
            }

            full.Add((current, filled), stop.Token);
            full.CompleteAdding();
            consumer.GetAwaiter().GetResult();
        }
        catch (Exception reading)
        {
            stop.Cancel();
            try
            {
                consumer.Wait(CancellationToken.None);
            }
            catch (AggregateException failed) when (reading is OperationCanceledException && !cancellationToken.IsCancellationRequested
                && failed.InnerExceptions is [var cause] && cause is not OperationCanceledException)
            {
                // The profiling stage failed (and stopped the reader): its failure is the one to report.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }
            catch (AggregateException)
            {
                // the reader's own failure is the one to report
            }

            throw;
        }

        progress?.Report(rows);
        return builder.Finish(cancellationToken);
    }

    private const int BatchRows = 1 << 16;

    /// <summary>A parsed row of a mapped type, its ids as keys.</summary>
    private readonly record struct Row(ulong User, ulong Item, long Time, long Session, FeedbackType Kind);

    private static ReadOnlySpan<char> NotEmpty(DatasetTable table, int column, string name)
    {
        var text = table.Span(column);
        return text.IsEmpty ? throw table.Problem(name, text, "must not be empty") : text;
    }

    /// <summary>Unix seconds from Unix seconds, Unix milliseconds (12 digits or more) or an ISO 8601 time (UTC unless it says otherwise).</summary>
    internal static long Time(DatasetTable table, int column, string name)
    {
        var text = table.Span(column).Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
        {
            return Math.Abs(number) >= 100_000_000_000 ? Math.DivRem(number, 1000, out long rest) - (rest < 0 ? 1 : 0) : number;
        }

        if (TryRfc3339Utc(text, out long seconds))
        {
            return seconds;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeSeconds()
            : throw table.Problem(name, text, "is not a time (Unix seconds, Unix milliseconds, or ISO 8601 such as 2023-05-03T13:06:52Z)");
    }

    /// <summary>
    /// The common case quickly: <c>yyyy-MM-ddTHH:mm:ssZ</c> (as RecSynth and Gorse write times), digits checked one by
    /// one; anything else is left to <see cref="DateTimeOffset.TryParse(ReadOnlySpan{char}, IFormatProvider?, DateTimeStyles, out DateTimeOffset)"/>.
    /// </summary>
    internal static bool TryRfc3339Utc(ReadOnlySpan<char> text, out long seconds)
    {
        seconds = 0;
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        {
            return false;
        }

        if (!Digits(text[..4], out int year) || !Digits(text.Slice(5, 2), out int month) || !Digits(text.Slice(8, 2), out int day)
            || !Digits(text.Slice(11, 2), out int hour) || !Digits(text.Slice(14, 2), out int minute) || !Digits(text.Slice(17, 2), out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        seconds = (new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber) * 86_400L + (hour * 3600) + (minute * 60) + second;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static long Session(DatasetTable table, int column, string name)
    {
        var text = table.Span(column);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
        {
            return id;
        }

        if (text.IsEmpty)
        {
            throw table.Problem(name, text, "must not be empty");
        }

        // A session id that is not a number: its hash, kept non-negative (−1 means none); only compared for equality.
        return (long)(LogBuilder.Hash(text) >> 1);
    }
}

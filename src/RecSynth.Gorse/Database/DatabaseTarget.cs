using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;

namespace RecSynth.Gorse.Database;

/// <summary>
/// One dialect's way of writing batches into Gorse's tables. Every batch is written in one transaction together with
/// its row in the progress table (<c>{prefix}recsynth_push</c>): a batch is in the database exactly when its progress
/// row is, so a load killed at any point resumes without losing or doubling a row.
/// </summary>
internal abstract class DatabaseTarget(GorseDatabaseUrl url, string prefix)
{
    public const string ProgressName = "recsynth_push";

    public GorseDatabaseUrl Url { get; } = url;

    public string Prefix { get; } = prefix;

    public GorseDialect Dialect => Url.Dialect;

    /// <summary>Rows per batch (one transaction) when the caller does not say.</summary>
    public abstract int DefaultBatchSize { get; }

    public string Progress => Quote(Prefix + ProgressName);

    public static DatabaseTarget Create(GorseDatabaseUrl url, string prefix) => url.Dialect switch
    {
        GorseDialect.Postgres => new PostgresTarget(url, prefix),
        GorseDialect.MySql => new MySqlTarget(url, prefix),
        _ => new SqliteTarget(url, prefix),
    };

    public string Quote(string identifier) => Dialect == GorseDialect.MySql ? $"`{identifier}`" : $"\"{identifier}\"";

    public string Table(string table) => Quote(Prefix + table);

    /// <summary>An open connection; a server that cannot be reached is a <see cref="GorseException"/> naming the URL (never its password).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = Url.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await PrepareSessionAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is DbException or IOException or SocketException or TimeoutException or InvalidOperationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new GorseException($"cannot connect to {Url.Display}: {e.Message}", e);
        }
    }

    /// <summary>Session settings a load needs (SQLite: foreign keys off, a busy timeout).</summary>
    protected virtual Task PrepareSessionAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task EnsureProgressTableAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null,
            $"CREATE TABLE IF NOT EXISTS {Progress} (load_id varchar(64) NOT NULL, table_name varchar(16) NOT NULL, batch int NOT NULL, PRIMARY KEY (load_id, table_name, batch))",
            cancellationToken).ConfigureAwait(false);

    /// <summary>The batches recorded, per load and table.</summary>
    public async Task<Dictionary<(string Load, string Table), HashSet<int>>> ReadProgressAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<(string, string), HashSet<int>>();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT load_id, table_name, batch FROM {Progress}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = (reader.GetString(0), reader.GetString(1));
            if (!recorded.TryGetValue(key, out var batches))
            {
                recorded[key] = batches = [];
            }

            batches.Add(reader.GetInt32(2));
        }

        return recorded;
    }

    /// <summary>Whether a batch's transaction committed (asked after a lost connection: the commit may have made it).</summary>
    public async Task<bool> IsRecordedAsync(DbConnection connection, string load, string table, int batch, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {Progress} WHERE load_id = '{load}' AND table_name = '{table}' AND batch = {batch.ToString(CultureInfo.InvariantCulture)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The statement that records a batch, run in the batch's transaction. Load ids and table names are hex and known words.</summary>
    protected string RecordSql(string load, string table, int batch) =>
        $"INSERT INTO {Progress} (load_id, table_name, batch) VALUES ('{load}', '{table}', {batch.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>Forgets every earlier load (a run without --resume starts over) and what it left half done.</summary>
    public virtual async Task ResetAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, $"DELETE FROM {Progress}", cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the progress table once a load is complete: a finished load leaves nothing but Gorse's tables.</summary>
    public async Task FinishAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, $"DROP TABLE IF EXISTS {Progress}", cancellationToken).ConfigureAwait(false);

    public async Task<bool> IsEmptyAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {Table(table)} LIMIT 1) AS t";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0;
    }

    /// <summary>Writes rows [from, from + count) of a table with Gorse's upsert, and records the batch, in one transaction.</summary>
    public abstract Task WriteBatchAsync(DbConnection connection, GorseRows rows, string table, int from, int count, string load, int batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the feedback can be loaded in bulk: written into a side table without keys and put in place at the end
    /// (<see cref="FinishBulkAsync"/>). Only PostgreSQL does, and only into an empty feedback table.
    /// </summary>
    public virtual Task<bool> PrepareBulkAsync(DbConnection connection, bool feedbackStarted, CancellationToken cancellationToken) => Task.FromResult(false);

    public virtual Task WriteBulkBatchAsync(DbConnection connection, GorseRows rows, int from, int count, string load, int batch, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public virtual Task FinishBulkAsync(GorseRows rows, long expectedRows, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>
    /// A table's conflict key, its columns in order, and those Gorse's upsert overwrites (<c>storage/data/sql.go</c>'s
    /// <c>DoUpdates</c>): users labels and comment, items every column, feedback the PUT path's.
    /// </summary>
    public static (string Key, string[] Columns, string[] Updated) Upsert(string table) => table switch
    {
        "users" => ("user_id", ["user_id", "labels", "comment"], ["labels", "comment"]),
        "items" => ("item_id", ["item_id", "is_hidden", "categories", "time_stamp", "labels", "comment"], ["is_hidden", "categories", "time_stamp", "labels", "comment"]),
        _ => ("feedback_type, user_id, item_id", ["feedback_type", "user_id", "item_id", "value", "time_stamp", "updated", "labels", "comment"],
            ["value", "time_stamp", "updated", "labels", "comment"]),
    };

    /// <summary>Row <paramref name="index"/> of a table as driver parameter values in <see cref="Upsert"/>'s column order, times through <paramref name="time"/>.</summary>
    protected static object?[] Values(GorseRows rows, string table, int index, Func<DateTime, object> time) => table switch
    {
        "users" => rows.User(index) is var u ? [u.UserId, u.Labels, u.Comment] : [],
        "items" => rows.Item(index) is var it ? [it.ItemId, it.IsHidden, it.Categories, time(it.TimeStamp), it.Labels, it.Comment] : [],
        _ => rows.Feedback(index) is var f ? [f.FeedbackType, f.UserId, f.ItemId, f.Value, time(f.TimeStamp), time(f.Updated), f.Labels, f.Comment] : [],
    };

    /// <summary>Reads a whole table back as Gorse stores it, for --verify.</summary>
    public async IAsyncEnumerable<UserValues> ReadUsersAsync(DbConnection connection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT user_id, {AsText("labels")}, comment FROM {Table("users")}";
        command.CommandTimeout = 0; // millions of rows, read as they come
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new(reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
    }

    public async IAsyncEnumerable<ItemValues> ReadItemsAsync(DbConnection connection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT item_id, is_hidden, {AsText("categories")}, time_stamp, {AsText("labels")}, comment FROM {Table("items")}";
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new(reader.GetString(0), ReadBool(reader, 1), reader.GetString(2), ReadTime(reader, 3), reader.GetString(4), reader.GetString(5));
        }
    }

    public async IAsyncEnumerable<FeedbackValues> ReadFeedbackAsync(DbConnection connection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT feedback_type, user_id, item_id, value, time_stamp, updated, {AsText("labels")}, comment FROM {Table("feedback")}";
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), ReadTime(reader, 4), ReadTime(reader, 5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7));
        }
    }

    /// <summary>A json column as its text.</summary>
    protected virtual string AsText(string column) => column;

    protected virtual bool ReadBool(DbDataReader reader, int ordinal) => Convert.ToBoolean(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>A time column as a UTC <see cref="DateTime"/>.</summary>
    protected virtual DateTime ReadTime(DbDataReader reader, int ordinal) => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0; // an index build over millions of rows takes longer than the drivers' 30 s
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A failure a new connection may not see again: the connection was lost or reset, the server was restarting, a
    /// deadlock or serialization failure. Anything else (a constraint, a type, a permission) fails the load at once.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        DbException { IsTransient: true } => true,
        IOException or SocketException or TimeoutException => true,
        Npgsql.PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01",
        Npgsql.NpgsqlException { InnerException: { } inner } => IsTransient(inner),
        MySqlConnector.MySqlException my => my.ErrorCode is MySqlConnector.MySqlErrorCode.UnableToConnectToHost or MySqlConnector.MySqlErrorCode.QueryInterrupted
            or MySqlConnector.MySqlErrorCode.LockDeadlock || my.InnerException is { } inner && IsTransient(inner),
        _ => false,
    };
}

using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RecSynth.Gorse.Database;

/// <summary>
/// SQLite: each batch is one transaction of a prepared <c>INSERT … ON CONFLICT DO UPDATE</c> per row, overwriting the
/// columns Gorse's upsert overwrites only where they differ (a second load writes nothing). Times are text in the form
/// Gorse's SQLite driver writes: <c>2024-05-01 12:00:00+00:00</c>, fractions of a second only when there are any.
/// </summary>
internal sealed class SqliteTarget(GorseDatabaseUrl url, string prefix) : DatabaseTarget(url, prefix)
{
    public override int DefaultBatchSize => 10_000;

    /// <summary>Go's <c>2006-01-02 15:04:05.999999999-07:00</c>, in UTC.</summary>
    public static string FormatTime(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF'+00:00'", CultureInfo.InvariantCulture);

    protected override async Task PrepareSessionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 30000", cancellationToken).ConfigureAwait(false);

    protected override DateTime ReadTime(DbDataReader reader, int ordinal) =>
        DateTime.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override async Task WriteBatchAsync(
        DbConnection connection, GorseRows rows, string table, int from, int count, string load, int batch, CancellationToken cancellationToken)
    {
        var sqlite = (SqliteConnection)connection;
        await using var transaction = (SqliteTransaction)await sqlite.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var (key, columns, updated) = Upsert(table);
        await using var command = sqlite.CreateCommand();
        command.Transaction = transaction;
        string target = Table(table);
        command.CommandText =
            $"INSERT INTO {target} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))}) "
            + $"ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", updated.Select(c => $"{c} = excluded.{c}"))} "
            + $"WHERE {string.Join(" OR ", updated.Select(c => $"{target}.{c} IS NOT excluded.{c}"))}";
        var parameters = columns.Select(c => command.Parameters.Add("$" + c, SqliteType.Text)).ToArray();
        command.Prepare();
        for (int i = from; i < from + count; i++)
        {
            object?[] values = Values(rows, table, i, time => FormatTime(time));
            for (int c = 0; c < values.Length; c++)
            {
                parameters[c].SqliteType = values[c] switch { bool => SqliteType.Integer, double => SqliteType.Real, _ => SqliteType.Text };
                parameters[c].Value = values[c] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(sqlite, transaction, RecordSql(load, table, batch), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}

using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace RecSynth.Gorse.Database;

/// <summary>
/// PostgreSQL: each batch is copied in binary (<c>COPY … FROM STDIN (FORMAT BINARY)</c>) into a temporary staging
/// table, then put in place with one upsert carrying Gorse's conflict clause; a row equal to the stored one is left
/// alone, so a second load writes nothing. Feedback into an empty table goes the bulk way instead: copied into a side
/// table without keys, whose primary key and indexes are built once at the end, after which the side table takes the
/// empty table's place in one transaction (docs/gorse.md, "Loading into Gorse's database").
/// </summary>
internal sealed class PostgresTarget(GorseDatabaseUrl url, string prefix) : DatabaseTarget(url, prefix)
{
    private const string BulkSuffix = "_recsynth_load";

    public override int DefaultBatchSize => 50_000;

    private string BulkName => Prefix + "feedback" + BulkSuffix;

    protected override string AsText(string column) => column + "::text";

    public override async Task ResetAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await base.ResetAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"DROP TABLE IF EXISTS {Quote(BulkName)}", cancellationToken).ConfigureAwait(false);
    }

    public override async Task WriteBatchAsync(
        DbConnection connection, GorseRows rows, string table, int from, int count, string load, int batch, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        string stage = Quote("recsynth_stage_" + table);
        await using var transaction = await npgsql.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(npgsql, transaction, $"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {Table(table)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", cancellationToken).ConfigureAwait(false);
        await CopyAsync(npgsql, stage, rows, table, from, count, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(npgsql, transaction, UpsertFrom(table, stage), cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(npgsql, transaction, RecordSql(load, table, batch), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gorse's upsert of a table from the staging table: <c>users</c> labels and comment, <c>items</c> every column, <c>feedback</c> the PUT columns.</summary>
    private string UpsertFrom(string table, string source)
    {
        var (key, _, columns) = Upsert(table);
        string target = Table(table);
        string set = string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"));
        string changed = string.Join(" OR ", columns.Select(c => c is "labels" or "categories"
            ? $"{target}.{c}::text IS DISTINCT FROM excluded.{c}::text"
            : $"{target}.{c} IS DISTINCT FROM excluded.{c}"));
        return $"INSERT INTO {target} SELECT * FROM {source} ON CONFLICT ({key}) DO UPDATE SET {set} WHERE {changed}";
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string into, GorseRows rows, string table, int from, int count, CancellationToken cancellationToken)
    {
        string columns = string.Join(", ", Upsert(table).Columns);
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {into} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        for (int i = from; i < from + count; i++)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            switch (table)
            {
                case "users":
                    var user = rows.User(i);
                    await copy.WriteAsync(user.UserId, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(user.Labels, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(user.Comment, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    break;
                case "items":
                    var item = rows.Item(i);
                    await copy.WriteAsync(item.ItemId, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(item.IsHidden, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(item.Categories, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(item.TimeStamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(item.Labels, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(item.Comment, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var f = rows.Feedback(i);
                    await copy.WriteAsync(f.FeedbackType, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(f.UserId, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(f.ItemId, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(f.Value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(f.TimeStamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(f.Updated, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false); // labels: the REST push sends none
                    await copy.WriteAsync(f.Comment, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Bulk when a resumed load wrote feedback the bulk way (its side table is there), or when no feedback was written yet
    /// and the feedback table is empty: then the side table is created, like Gorse's table in every column but without
    /// keys or indexes.
    /// </summary>
    public override async Task<bool> PrepareBulkAsync(DbConnection connection, bool feedbackStarted, CancellationToken cancellationToken)
    {
        if (await SideTableExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            if (feedbackStarted)
            {
                return true;
            }

            await ExecuteAsync(connection, null, $"DROP TABLE {Quote(BulkName)}", cancellationToken).ConfigureAwait(false);
        }

        if (feedbackStarted || !await IsEmptyAsync(connection, "feedback", cancellationToken).ConfigureAwait(false))
        {
            return false; // a resumed load that wrote feedback the upsert way goes on that way
        }

        await ExecuteAsync(connection, null, $"CREATE TABLE {Quote(BulkName)} (LIKE {Table("feedback")} INCLUDING DEFAULTS)", cancellationToken).ConfigureAwait(false);
        return true;
    }

    public override async Task WriteBulkBatchAsync(DbConnection connection, GorseRows rows, int from, int count, string load, int batch, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using var transaction = await npgsql.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await CopyAsync(npgsql, Quote(BulkName), rows, "feedback", from, count, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(npgsql, transaction, RecordSql(load, "feedback", batch), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the side table's primary key and indexes (three connections at once: a sort each), then in one transaction
    /// swaps it for the feedback table if that is still empty and plainly owned; otherwise upserts from it. Run again
    /// after a lost connection, it picks up where it stopped (the indexes are built only if absent; a finished swap leaves
    /// no side table).
    /// </summary>
    public override async Task FinishBulkAsync(GorseRows rows, long expectedRows, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!await SideTableExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return; // swapped by an earlier attempt whose answer was lost
        }

        await using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT count(*) FROM {Quote(BulkName)}";
            long found = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (found != expectedRows)
            {
                throw new GorseException(string.Create(CultureInfo.InvariantCulture,
                    $"the side table {BulkName} holds {found:N0} feedback rows where the recorded batches hold {expectedRows:N0}; run the push again without --resume"));
            }
        }

        string key = Quote(BulkName + "_key"), users = Quote(BulkName + "_user"), items = Quote(BulkName + "_item");
        string[] builds =
        [
            $"CREATE UNIQUE INDEX IF NOT EXISTS {key} ON {Quote(BulkName)} (feedback_type, user_id, item_id)",
            $"CREATE INDEX IF NOT EXISTS {users} ON {Quote(BulkName)} (user_id)",
            $"CREATE INDEX IF NOT EXISTS {items} ON {Quote(BulkName)} (item_id)",
        ];
        await Task.WhenAll(builds.Select(async sql =>
        {
            await using var builder = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // A session setting, not the server's: the sort of millions of keys stays in memory.
            await ExecuteAsync(builder, null, "SET maintenance_work_mem = '256MB'", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(builder, null, sql, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);

        string target = Table("feedback");
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        bool swap;
        await using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = $"""
                SELECT NOT EXISTS (SELECT 1 FROM {target})
                   AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                   AND c.relacl IS NULL
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = c.oid AND d.deptype = 'n' AND d.classid = 'pg_rewrite'::regclass)
                  FROM pg_class c WHERE c.oid = '{target}'::regclass
                """;
            swap = (bool)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (swap)
        {
            var table = GorseSchema.Tables.Single(t => t.Name == "feedback");
            await ExecuteAsync(connection, transaction, $"DROP TABLE {target}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {Quote(BulkName)} RENAME TO {target}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {target} ADD CONSTRAINT {Quote(Prefix + "feedback_pkey")} PRIMARY KEY USING INDEX {key}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"ALTER INDEX {users} RENAME TO {Quote(table.Indexes.Single(i => i.Column == "user_id").Name)}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"ALTER INDEX {items} RENAME TO {Quote(table.Indexes.Single(i => i.Column == "item_id").Name)}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Someone wrote feedback meanwhile (or the table has grants, views): keep it and upsert into it.
            await ExecuteAsync(connection, transaction, UpsertFrom("feedback", Quote(BulkName)), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"DROP TABLE {Quote(BulkName)}", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> SideTableExistsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = $"SELECT to_regclass('{Quote(BulkName)}') IS NOT NULL";
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

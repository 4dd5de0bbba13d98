using System.Data.Common;
using System.Text;
using MySqlConnector;

namespace RecSynth.Gorse.Database;

/// <summary>
/// MySQL and MariaDB: each batch is one transaction of multi-row <c>INSERT … ON DUPLICATE KEY UPDATE</c> statements of
/// at most <see cref="RowsPerStatement"/> rows, overwriting the columns Gorse's upsert overwrites. InnoDB leaves a row
/// whose new values equal the stored ones untouched, so a second load writes nothing.
/// </summary>
internal sealed class MySqlTarget(GorseDatabaseUrl url, string prefix) : DatabaseTarget(url, prefix)
{
    public const int RowsPerStatement = 1_000;

    public override int DefaultBatchSize => 5_000;

    protected override string AsText(string column) => $"CAST({column} AS CHAR)";

    public override async Task WriteBatchAsync(
        DbConnection connection, GorseRows rows, string table, int from, int count, string load, int batch, CancellationToken cancellationToken)
    {
        var mysql = (MySqlConnection)connection;
        await using var transaction = await mysql.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var (_, columns, updated) = Upsert(table);
        for (int start = from; start < from + count; start += RowsPerStatement)
        {
            int n = Math.Min(RowsPerStatement, from + count - start);
            await using var command = new MySqlCommand { Connection = mysql, Transaction = transaction };
            var sql = new StringBuilder($"INSERT INTO {Table(table)} ({string.Join(", ", columns.Select(Quote))}) VALUES ");
            for (int i = 0; i < n; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                object?[] values = Values(rows, table, start + i, time => time);
                for (int c = 0; c < values.Length; c++)
                {
                    string name = $"@p{i}_{c}";
                    sql.Append(c == 0 ? "" : ", ").Append(name);
                    command.Parameters.AddWithValue(name, values[c] ?? DBNull.Value);
                }

                sql.Append(')');
            }

            sql.Append(" ON DUPLICATE KEY UPDATE ").AppendJoin(", ", updated.Select(c => $"{Quote(c)} = VALUES({Quote(c)})"));
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(mysql, transaction, RecordSql(load, table, batch), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}

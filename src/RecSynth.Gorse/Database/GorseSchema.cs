using System.Collections.Immutable;
using System.Data.Common;
using System.Text;

namespace RecSynth.Gorse.Database;

/// <summary>
/// Gorse's <c>users</c>, <c>items</c> and <c>feedback</c> tables as <c>storage/data/sql.go</c> <c>Init()</c> creates them
/// (master 5404aef, docs/gorse.md), per dialect. <see cref="EnsureAsync"/> creates
/// the absent ones and refuses existing ones whose columns or primary key differ, so rows push writes read back in Gorse
/// exactly as rows Gorse wrote itself.
/// </summary>
internal static partial class GorseSchema
{
    private const string GorseEpoch = "'2000-01-01 00:00:00'";

    /// <summary>In the order Gorse migrates them: users, items, feedback.</summary>
    public static ImmutableArray<GorseSchemaTable> Tables { get; } =
    [
        new("users",
            [
                new("user_id", GorseColumnKind.Id, NotNull: true),
                new("labels", GorseColumnKind.Json, NotNull: true, "'[]'"),
                new("comment", GorseColumnKind.Text, NotNull: true, "''"),
            ],
            ["user_id"],
            []),
        new("items",
            [
                new("item_id", GorseColumnKind.Id, NotNull: true),
                new("is_hidden", GorseColumnKind.Bool, NotNull: true, "false"),
                new("categories", GorseColumnKind.Json, NotNull: true, "'[]'"),
                new("time_stamp", GorseColumnKind.Time, NotNull: true),
                new("labels", GorseColumnKind.Json, NotNull: true, "'[]'"),
                new("comment", GorseColumnKind.Text, NotNull: true, "''"),
            ],
            ["item_id"],
            [("time_stamp_index", "time_stamp")]),
        new("feedback",
            [
                new("feedback_type", GorseColumnKind.Id, NotNull: true),
                new("user_id", GorseColumnKind.Id, NotNull: true),
                new("item_id", GorseColumnKind.Id, NotNull: true),
                new("value", GorseColumnKind.Float, NotNull: true, "0"),
                new("time_stamp", GorseColumnKind.Time, NotNull: true),
                new("updated", GorseColumnKind.Time, NotNull: true, GorseEpoch),
                new("labels", GorseColumnKind.Json, NotNull: false),
                new("comment", GorseColumnKind.Text, NotNull: true, "''"),
            ],
            ["feedback_type", "user_id", "item_id"],
            [("user_id_index", "user_id"), ("item_id_index", "item_id")]),
    ];

    /// <summary>The column type as Gorse declares it, and as <see cref="ReadTableAsync"/> reports an existing one.</summary>
    public static string TypeName(GorseDialect dialect, GorseColumnKind kind) => (dialect, kind) switch
    {
        (GorseDialect.Postgres, GorseColumnKind.Id) => "varchar(256) COLLATE \"C\"",
        (GorseDialect.Postgres, GorseColumnKind.Bool) => "bool",
        (GorseDialect.Postgres, GorseColumnKind.Time) => "timestamptz",
        (GorseDialect.Postgres, GorseColumnKind.Float) => "float8",
        (GorseDialect.MySql, GorseColumnKind.Id) => "varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        (GorseDialect.MySql, GorseColumnKind.Bool) => "bool",
        (GorseDialect.MySql, GorseColumnKind.Time) => "datetime",
        (GorseDialect.MySql, GorseColumnKind.Float) => "double",
        (GorseDialect.Sqlite, GorseColumnKind.Id) => "varchar(256)",
        (GorseDialect.Sqlite, GorseColumnKind.Bool) => "bool",
        (GorseDialect.Sqlite, GorseColumnKind.Time) => "datetime",
        (GorseDialect.Sqlite, GorseColumnKind.Float) => "real",
        (_, GorseColumnKind.Json) => "json",
        _ => "text",
    };

    /// <summary>The default Gorse declares for a column in a dialect; MySQL takes no literal default on json and text columns.</summary>
    public static string? DefaultOf(GorseDialect dialect, GorseSchemaColumn column) =>
        dialect == GorseDialect.MySql && column.Kind is GorseColumnKind.Json or GorseColumnKind.Text ? null : column.Default;

    /// <summary>CREATE TABLE, then CREATE INDEX for each index (inline in the table for MySQL), for one table.</summary>
    public static ImmutableArray<string> CreateStatements(GorseDialect dialect, string prefix, GorseSchemaTable table)
    {
        CheckPrefix(prefix);
        string name = prefix + table.Name;
        var sql = new StringBuilder($"CREATE TABLE {Quote(dialect, name)} (");
        foreach (var column in table.Columns)
        {
            sql.Append(Quote(dialect, column.Name)).Append(' ').Append(TypeName(dialect, column.Kind));
            if (column.NotNull)
            {
                sql.Append(" NOT NULL");
            }

            if (DefaultOf(dialect, column) is { } value)
            {
                sql.Append(" DEFAULT ").Append(value);
            }

            sql.Append(", ");
        }

        sql.Append("PRIMARY KEY (").AppendJoin(", ", table.PrimaryKey.Select(column => Quote(dialect, column))).Append(')');
        if (dialect == GorseDialect.MySql)
        {
            foreach (var (index, column) in table.Indexes)
            {
                sql.Append(", INDEX ").Append(Quote(dialect, index)).Append(" (").Append(Quote(dialect, column)).Append(')');
            }

            return [sql.Append(") ENGINE=InnoDB").ToString()];
        }

        var statements = ImmutableArray.CreateBuilder<string>();
        statements.Add(sql.Append(')').ToString());
        foreach (var (index, column) in table.Indexes)
        {
            statements.Add($"CREATE INDEX {Quote(dialect, index)} ON {Quote(dialect, name)} ({Quote(dialect, column)})");
        }

        return statements.ToImmutable();
    }

    /// <summary>
    /// Checks every existing Gorse table against <see cref="Tables"/>, and only when all match creates the absent ones
    /// (with their indexes). Returns the names of the tables created: none on a second run. A mismatch throws a
    /// <see cref="GorseException"/> naming each differing table and column, before anything is created.
    /// </summary>
    public static async Task<ImmutableArray<string>> EnsureAsync(DbConnection connection, GorseDialect dialect, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CheckPrefix(prefix);
        var problems = new List<string>();
        var absent = new List<GorseSchemaTable>();
        foreach (var table in Tables)
        {
            var existing = await ReadTableAsync(connection, dialect, prefix + table.Name, cancellationToken).ConfigureAwait(false);
            if (existing.Columns.Count == 0)
            {
                absent.Add(table);
            }
            else
            {
                problems.AddRange(Compare(dialect, prefix + table.Name, table, existing));
            }
        }

        if (problems.Count > 0)
        {
            throw new GorseException(
                $"The database holds tables that differ from Gorse's: {string.Join("; ", problems)}. "
                + "Push writes only into tables as Gorse creates them: drop these, or use another database or table_prefix.");
        }

        if (absent.Count == 0)
        {
            return [];
        }

        // PostgreSQL and SQLite run DDL in a transaction: a failing CREATE INDEX leaves no table behind that a second
        // run would then take as complete. MySQL commits each CREATE TABLE, which holds its indexes inline.
        await using var transaction = dialect == GorseDialect.MySql ? null : await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in absent)
        {
            foreach (string statement in CreateStatements(dialect, prefix, table))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. absent.Select(table => prefix + table.Name)];
    }

    private static IEnumerable<string> Compare(GorseDialect dialect, string name, GorseSchemaTable table, ExistingTable existing)
    {
        foreach (var column in table.Columns)
        {
            string expected = TypeName(dialect, column.Kind);
            var found = existing.Columns.FirstOrDefault(candidate => candidate.Name == column.Name);
            if (found is null)
            {
                yield return $"{name}.{column.Name} is missing, Gorse's is {expected}";
            }
            else if (found.Type != expected)
            {
                yield return $"{name}.{column.Name} is {found.Type}, Gorse's is {expected}";
            }
            else if (found.NotNull != column.NotNull)
            {
                yield return $"{name}.{column.Name} is {(found.NotNull ? "NOT NULL" : "nullable")}, Gorse's is {(column.NotNull ? "NOT NULL" : "nullable")}";
            }
        }

        foreach (var extra in existing.Columns)
        {
            if (extra.NotNull && !extra.HasDefault && !table.Columns.Any(column => column.Name == extra.Name))
            {
                yield return $"{name}.{extra.Name} is not Gorse's and is NOT NULL without a default, so every row push writes would be refused";
            }
        }

        if (!existing.PrimaryKey.SequenceEqual(table.PrimaryKey))
        {
            yield return $"{name}'s primary key is ({string.Join(", ", existing.PrimaryKey)}), Gorse's is ({string.Join(", ", table.PrimaryKey)})";
        }
    }

    private static void CheckPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!GorseDatabasePush.IsTablePrefix(prefix))
        {
            throw new ArgumentException($"table_prefix '{prefix}' may hold only ASCII letters, digits and '_'", nameof(prefix));
        }
    }

    private static string Quote(GorseDialect dialect, string identifier) =>
        dialect == GorseDialect.MySql ? $"`{identifier}`" : $"\"{identifier}\"";
}

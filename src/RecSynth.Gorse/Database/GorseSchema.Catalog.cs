using System.Data.Common;
using System.Globalization;

namespace RecSynth.Gorse.Database;

internal static partial class GorseSchema
{
    private const string PostgresColumnsSql = """
        SELECT column_name, data_type, character_maximum_length, collation_name, is_nullable = 'NO', column_default IS NOT NULL
        FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position
        """;

    private const string PostgresPrimaryKeySql = """
        SELECT k.column_name FROM information_schema.table_constraints t
        JOIN information_schema.key_column_usage k
          ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name AND k.table_name = t.table_name
        WHERE t.table_schema = current_schema() AND t.table_name = @table AND t.constraint_type = 'PRIMARY KEY'
        ORDER BY k.ordinal_position
        """;

    private const string MySqlColumnsSql = """
        SELECT COLUMN_NAME, LOWER(COLUMN_TYPE), CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE = 'NO', COLUMN_DEFAULT IS NOT NULL
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @table ORDER BY ORDINAL_POSITION
        """;

    private const string MySqlPrimaryKeySql = """
        SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @table AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION
        """;

    // MariaDB's json is longtext with a CHECK (json_valid(`column`)); MySQL has a real json type and no TABLE_NAME here.
    private const string MariaDbJsonChecksSql = """
        SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = @table
        """;

    private const string SqliteColumnsSql = """SELECT name, type, "notnull", dflt_value IS NOT NULL, pk FROM pragma_table_info(@table) ORDER BY cid""";

    /// <summary>
    /// An existing table's columns (name, type spelled as <see cref="TypeName"/> spells Gorse's, NOT NULL, has a default)
    /// and primary key, from information_schema (PostgreSQL, MySQL, MariaDB) or PRAGMA table_info (SQLite); no columns
    /// when the table is absent.
    /// </summary>
    public static async Task<ExistingTable> ReadTableAsync(DbConnection connection, GorseDialect dialect, string table, CancellationToken cancellationToken)
    {
        var columns = new List<ExistingColumn>();
        var primaryKey = new List<string>();
        switch (dialect)
        {
            case GorseDialect.Postgres:
                await QueryAsync(connection, PostgresColumnsSql, table, reader => columns.Add(new(
                    reader.GetString(0), PostgresType(reader.GetString(1), reader.IsDBNull(2) ? null : Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), OptionalString(reader, 3)), reader.GetBoolean(4), reader.GetBoolean(5))), cancellationToken).ConfigureAwait(false);
                await QueryAsync(connection, PostgresPrimaryKeySql, table, reader => primaryKey.Add(reader.GetString(0)), cancellationToken).ConfigureAwait(false);
                break;
            case GorseDialect.MySql:
                var jsonChecks = new HashSet<string>(StringComparer.Ordinal);
                if (await IsMariaDbAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    await QueryAsync(connection, MariaDbJsonChecksSql, table, reader => jsonChecks.Add(reader.GetString(0)), cancellationToken).ConfigureAwait(false);
                }

                await QueryAsync(connection, MySqlColumnsSql, table, reader =>
                {
                    string name = reader.GetString(0);
                    string type = MySqlType(reader.GetString(1), OptionalString(reader, 2), OptionalString(reader, 3), jsonChecks.Contains($"json_valid(`{name}`)"));
                    columns.Add(new(name, type, Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture) != 0, Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) != 0));
                }, cancellationToken).ConfigureAwait(false);
                await QueryAsync(connection, MySqlPrimaryKeySql, table, reader => primaryKey.Add(reader.GetString(0)), cancellationToken).ConfigureAwait(false);
                break;
            default:
                var keyed = new List<(long Position, string Name)>();
                await QueryAsync(connection, SqliteColumnsSql, table, reader =>
                {
                    string name = reader.GetString(0);
                    columns.Add(new(name, reader.GetString(1).ToLowerInvariant(), reader.GetInt64(2) != 0, reader.GetInt64(3) != 0));
                    if (reader.GetInt64(4) > 0)
                    {
                        keyed.Add((reader.GetInt64(4), name));
                    }
                }, cancellationToken).ConfigureAwait(false);
                primaryKey.AddRange(keyed.OrderBy(key => key.Position).Select(key => key.Name));
                break;
        }

        return new ExistingTable(columns, primaryKey);
    }

    private static string PostgresType(string dataType, int? length, string? collation) => dataType switch
    {
        "character varying" => (length is null ? "varchar" : $"varchar({length})") + (collation is null ? "" : $" COLLATE \"{collation}\""),
        "boolean" => "bool",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "double precision" => "float8",
        _ => dataType,
    };

    private static string MySqlType(string columnType, string? characterSet, string? collation, bool jsonChecked) => columnType switch
    {
        _ when columnType.StartsWith("varchar", StringComparison.Ordinal) => $"{columnType} CHARACTER SET {characterSet} COLLATE {collation}",
        "tinyint(1)" => "bool",
        "longtext" when jsonChecked => "json",
        _ => columnType,
    };

    private static async Task<bool> IsMariaDbAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT VERSION()";
        return (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) is string version
            && version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task QueryAsync(DbConnection connection, string sql, string table, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row(reader);
        }
    }

    private static string? OptionalString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A column of an existing table.</summary>
    internal sealed record ExistingColumn(string Name, string Type, bool NotNull, bool HasDefault);

    /// <summary>An existing table: no columns when it is absent.</summary>
    internal sealed record ExistingTable(IReadOnlyList<ExistingColumn> Columns, IReadOnlyList<string> PrimaryKey);
}

using System.Data.Common;
using RecSynth.Gorse.Database;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>
/// <see cref="GorseSchema"/> against a real database of each dialect: an empty database gets exactly Gorse's tables
/// (read back from the server's own catalog), a second run changes nothing, and a differing table is refused by name.
/// </summary>
public abstract class GorseSchemaTests
{
    private protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected abstract GorseDialect Dialect { get; }

    /// <summary>An open connection, reached through <see cref="GorseDatabaseUrl"/>, to a fresh empty database.</summary>
    private protected abstract Task<DbConnection> OpenEmptyAsync();

    /// <summary>The tables, columns, keys and indexes as the server's catalog lists them, one per line.</summary>
    private protected abstract Task<string> DescribeAsync(DbConnection connection);

    /// <summary>What <see cref="DescribeAsync"/> lists for Gorse's three tables with the prefix.</summary>
    private protected abstract string Expected(string prefix);

    /// <summary>A users table like Gorse's except that labels is text.</summary>
    private protected abstract string UsersWithTextLabelsSql { get; }

    [Theory]
    [InlineData("")]
    [InlineData("gorse_")]
    public async Task An_empty_database_gets_exactly_gorses_tables_keys_and_indexes(string prefix)
    {
        await using var connection = await OpenEmptyAsync();

        var created = await GorseSchema.EnsureAsync(connection, Dialect, prefix, Token);

        Assert.Equal([prefix + "users", prefix + "items", prefix + "feedback"], created);
        Assert.Equal(Expected(prefix), await DescribeAsync(connection));
    }

    [Fact]
    public async Task A_second_run_creates_nothing_and_keeps_the_rows()
    {
        await using var connection = await OpenEmptyAsync();
        await GorseSchema.EnsureAsync(connection, Dialect, "", Token);
        await ExecuteAsync(connection, "INSERT INTO users (user_id, labels, comment) VALUES ('u-1', '{\"age\":31}', '')");
        string before = await DescribeAsync(connection);

        var created = await GorseSchema.EnsureAsync(connection, Dialect, "", Token);

        Assert.Empty(created);
        Assert.Equal(before, await DescribeAsync(connection));
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM users";
        Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_table_with_a_differing_column_is_refused_by_name_and_nothing_is_created()
    {
        await using var connection = await OpenEmptyAsync();
        await ExecuteAsync(connection, UsersWithTextLabelsSql);
        string before = await DescribeAsync(connection);

        var error = await Assert.ThrowsAsync<GorseException>(() => GorseSchema.EnsureAsync(connection, Dialect, "", Token));

        Assert.Contains("users.labels is text, Gorse's is json", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DescribeAsync(connection));
    }

    [Fact]
    public async Task A_missing_column_and_a_different_primary_key_are_both_named()
    {
        await using var connection = await OpenEmptyAsync();
        await GorseSchema.EnsureAsync(connection, Dialect, "", Token);
        await ExecuteAsync(connection, "DROP TABLE feedback");
        await ExecuteAsync(connection, Dialect == GorseDialect.MySql
            ? "CREATE TABLE feedback (feedback_type varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, user_id varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, item_id varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, PRIMARY KEY (user_id))"
            : Dialect == GorseDialect.Postgres
                ? "CREATE TABLE feedback (feedback_type varchar(256) COLLATE \"C\" NOT NULL, user_id varchar(256) COLLATE \"C\" NOT NULL, item_id varchar(256) COLLATE \"C\" NOT NULL, PRIMARY KEY (user_id))"
                : "CREATE TABLE feedback (feedback_type varchar(256) NOT NULL, user_id varchar(256) NOT NULL, item_id varchar(256) NOT NULL, PRIMARY KEY (user_id))");

        var error = await Assert.ThrowsAsync<GorseException>(() => GorseSchema.EnsureAsync(connection, Dialect, "", Token));

        Assert.Contains($"feedback.value is missing, Gorse's is {GorseSchema.TypeName(Dialect, GorseColumnKind.Float)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("feedback's primary key is (user_id), Gorse's is (feedback_type, user_id, item_id)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Opens the database a Gorse data_store URL names, through <see cref="GorseDatabaseUrl"/>.</summary>
    private protected static async Task<DbConnection> OpenAsync(string gorseUrl)
    {
        var connection = GorseDatabaseUrl.Parse(gorseUrl).CreateConnection();
        await connection.OpenAsync(Token);
        return connection;
    }

    private protected static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }

    private protected static async Task<string> ReadLinesAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Token);
        var lines = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            var fields = new string[reader.FieldCount];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            }

            lines.Add(string.Join('|', fields));
        }

        return string.Join('\n', lines);
    }
}

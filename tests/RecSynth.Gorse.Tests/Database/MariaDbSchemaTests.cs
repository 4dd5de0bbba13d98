using System.Data.Common;
using RecSynth.Gorse.Database;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>Gorse's tables in a real MariaDB database, read back from information_schema and SHOW INDEX.</summary>
public sealed class MariaDbSchemaTests(MariaDbFixture fixture) : GorseSchemaTests, IClassFixture<MariaDbFixture>
{
    private protected override GorseDialect Dialect => GorseDialect.MySql;

    private protected override string UsersWithTextLabelsSql =>
        "CREATE TABLE users (user_id varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY, labels text NOT NULL, comment text NOT NULL) ENGINE=InnoDB";

    private protected override async Task<DbConnection> OpenEmptyAsync() => await OpenAsync((await fixture.Server.CreateDatabaseAsync(Token)).GorseUrl);

    private protected override async Task<string> DescribeAsync(DbConnection connection)
    {
        string tables = await ReadLinesAsync(connection, "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
        var lines = new List<string>
        {
            tables,
            await ReadLinesAsync(connection, """
                SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE, COLUMN_DEFAULT
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION
                """),
            await ReadLinesAsync(connection, "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME"),
        };
        foreach (string table in tables.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('|')[0]))
        {
            // SHOW INDEX: Table, Non_unique, Key_name, Seq_in_index, Column_name.
            lines.Add(string.Join('\n', (await ReadLinesAsync(connection, $"SHOW INDEX FROM `{table}`")).Split('\n').Select(line => string.Join('|', line.Split('|')[..5]))));
        }

        return string.Join('\n', lines);
    }

    private protected override string Expected(string prefix) => $"""
        {prefix}feedback|InnoDB
        {prefix}items|InnoDB
        {prefix}users|InnoDB
        {prefix}feedback|feedback_type|varchar(256)|utf8mb4|utf8mb4_bin|NO|
        {prefix}feedback|user_id|varchar(256)|utf8mb4|utf8mb4_bin|NO|
        {prefix}feedback|item_id|varchar(256)|utf8mb4|utf8mb4_bin|NO|
        {prefix}feedback|value|double|||NO|0
        {prefix}feedback|time_stamp|datetime|||NO|
        {prefix}feedback|updated|datetime|||NO|'2000-01-01 00:00:00'
        {prefix}feedback|labels|longtext|utf8mb4|utf8mb4_bin|YES|NULL
        {prefix}feedback|comment|text|utf8mb4|utf8mb4_general_ci|NO|
        {prefix}items|item_id|varchar(256)|utf8mb4|utf8mb4_bin|NO|
        {prefix}items|is_hidden|tinyint(1)|||NO|0
        {prefix}items|categories|longtext|utf8mb4|utf8mb4_bin|NO|
        {prefix}items|time_stamp|datetime|||NO|
        {prefix}items|labels|longtext|utf8mb4|utf8mb4_bin|NO|
        {prefix}items|comment|text|utf8mb4|utf8mb4_general_ci|NO|
        {prefix}users|user_id|varchar(256)|utf8mb4|utf8mb4_bin|NO|
        {prefix}users|labels|longtext|utf8mb4|utf8mb4_bin|NO|
        {prefix}users|comment|text|utf8mb4|utf8mb4_general_ci|NO|
        {prefix}feedback|labels|json_valid(`labels`)
        {prefix}items|categories|json_valid(`categories`)
        {prefix}items|labels|json_valid(`labels`)
        {prefix}users|labels|json_valid(`labels`)
        {prefix}feedback|0|PRIMARY|1|feedback_type
        {prefix}feedback|0|PRIMARY|2|user_id
        {prefix}feedback|0|PRIMARY|3|item_id
        {prefix}feedback|1|user_id_index|1|user_id
        {prefix}feedback|1|item_id_index|1|item_id
        {prefix}items|0|PRIMARY|1|item_id
        {prefix}items|1|time_stamp_index|1|time_stamp
        {prefix}users|0|PRIMARY|1|user_id
        """;
}

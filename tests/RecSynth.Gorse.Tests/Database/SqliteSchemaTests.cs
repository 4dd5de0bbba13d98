using System.Data.Common;
using RecSynth.Gorse.Database;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>Gorse's tables in a SQLite file, read back with PRAGMA table_info and index_list.</summary>
public sealed class SqliteSchemaTests : GorseSchemaTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    private int _databases;

    private protected override GorseDialect Dialect => GorseDialect.Sqlite;

    private protected override string UsersWithTextLabelsSql =>
        "CREATE TABLE users (user_id varchar(256) NOT NULL, labels text NOT NULL DEFAULT '[]', comment text NOT NULL DEFAULT '', PRIMARY KEY (user_id))";

    public void Dispose() => _folder.Dispose();

    private protected override Task<DbConnection> OpenEmptyAsync() => OpenAsync($"sqlite://{Path.Combine(_folder.Path, $"gorse-{++_databases}.db")}");

    private protected override async Task<string> DescribeAsync(DbConnection connection)
    {
        string tables = await ReadLinesAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        var lines = new List<string> { tables };
        foreach (string table in tables.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lines.Add(await ReadLinesAsync(connection, $"SELECT '{table}', name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}') ORDER BY cid"));
            lines.Add(await ReadLinesAsync(connection, $"""
                SELECT '{table}', l.name, l."unique", l.origin, group_concat(i.name, ',') FROM pragma_index_list('{table}') l, pragma_index_info(l.name) i
                GROUP BY l.name ORDER BY l.name
                """));
        }

        return string.Join('\n', lines.Where(line => line.Length > 0));
    }

    private protected override string Expected(string prefix) => $"""
        {prefix}feedback
        {prefix}items
        {prefix}users
        {prefix}feedback|feedback_type|varchar(256)|1||1
        {prefix}feedback|user_id|varchar(256)|1||2
        {prefix}feedback|item_id|varchar(256)|1||3
        {prefix}feedback|value|REAL|1|0|0
        {prefix}feedback|time_stamp|datetime|1||0
        {prefix}feedback|updated|datetime|1|'2000-01-01 00:00:00'|0
        {prefix}feedback|labels|json|0||0
        {prefix}feedback|comment|TEXT|1|''|0
        {prefix}feedback|item_id_index|0|c|item_id
        {prefix}feedback|sqlite_autoindex_{prefix}feedback_1|1|pk|feedback_type,user_id,item_id
        {prefix}feedback|user_id_index|0|c|user_id
        {prefix}items|item_id|varchar(256)|1||1
        {prefix}items|is_hidden|bool|1|false|0
        {prefix}items|categories|json|1|'[]'|0
        {prefix}items|time_stamp|datetime|1||0
        {prefix}items|labels|json|1|'[]'|0
        {prefix}items|comment|TEXT|1|''|0
        {prefix}items|sqlite_autoindex_{prefix}items_1|1|pk|item_id
        {prefix}items|time_stamp_index|0|c|time_stamp
        {prefix}users|user_id|varchar(256)|1||1
        {prefix}users|labels|json|1|'[]'|0
        {prefix}users|comment|TEXT|1|''|0
        {prefix}users|sqlite_autoindex_{prefix}users_1|1|pk|user_id
        """;
}

using System.Data.Common;
using Npgsql;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary><c>push --database postgres://…</c> into a real PostgreSQL (the bulk path: binary COPY, keys built at the end).</summary>
public sealed class PostgresPushTests(PostgresFixture fixture, SmallDataset dataset) : DatabasePushTests(dataset), IClassFixture<PostgresFixture>
{
    private protected override Task<TestDatabase> CreateAsync() => fixture.Server.CreateDatabaseAsync(Token);

    private protected override async Task<DbConnection> OpenAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Token);
        return connection;
    }

    private protected override string Text(string column) => column + "::text";

    private protected override string[] StallSql =>
    [
        """
        CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.table_name = 'feedback' AND NEW.batch = 3 THEN PERFORM pg_sleep(60); END IF;
            RETURN NEW;
        END $$
        """,
        "CREATE TRIGGER stall BEFORE INSERT ON recsynth_push FOR EACH ROW EXECUTE FUNCTION stall()",
    ];

    private protected override string[] UnstallSql => ["DROP TRIGGER stall ON recsynth_push"];

    private protected override Task EndOtherSessionsAsync(TestDatabase database) =>
        ExecuteAsync(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

    private protected override async Task<bool> TableExistsAsync(TestDatabase database, string table) =>
        await CountAsync(database, $"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '{table}'") > 0;

    private protected override async Task<string> RowVersionsAsync(TestDatabase database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT string_agg(user_id || ':' || xmin::text, ',' ORDER BY user_id) FROM users)
                || '|' || (SELECT string_agg(item_id || ':' || xmin::text, ',' ORDER BY item_id) FROM items)
                || '|' || (SELECT md5(string_agg(feedback_type || user_id || item_id || ':' || xmin::text, ',' ORDER BY feedback_type, user_id, item_id)) FROM feedback)
            """;
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }
}

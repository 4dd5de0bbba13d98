using System.Data.Common;
using MySqlConnector;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary><c>push --database mysql://…</c> into a real MariaDB (batched multi-row upserts).</summary>
[Collection(nameof(HeavyDatabaseTests))]
public sealed class MariaDbPushTests(MariaDbFixture fixture, SmallDataset dataset, SmallPreset preset) : ServerDatabasePushTests(dataset, preset), IClassFixture<MariaDbFixture>
{
    private protected override Task<TestDatabase> CreateAsync() => fixture.Server.CreateDatabaseAsync(Token);

    private protected override async Task<DbConnection> OpenAsync(TestDatabase database)
    {
        var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync(Token);
        return connection;
    }

    private protected override string[] StallSql =>
        ["CREATE TRIGGER stall BEFORE INSERT ON recsynth_push FOR EACH ROW BEGIN DECLARE slept INT; IF NEW.table_name = 'feedback' AND NEW.batch = 3 THEN SET slept = SLEEP(60); END IF; END"];

    private protected override string[] UnstallSql => ["DROP TRIGGER stall"];

    private protected override async Task EndOtherSessionsAsync(TestDatabase database)
    {
        await using var connection = await OpenAsync(database);
        await using var find = connection.CreateCommand();
        find.CommandText = "SELECT id FROM information_schema.processlist WHERE db = database() AND id <> connection_id()";
        var ids = new List<long>();
        await using (var reader = await find.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (long id in ids)
        {
            await using var kill = connection.CreateCommand();
            kill.CommandText = $"KILL {id}";
            await kill.ExecuteNonQueryAsync(Token);
        }
    }

    private protected override async Task<bool> TableExistsAsync(TestDatabase database, string table) =>
        await CountAsync(database, $"SELECT count(*) FROM information_schema.tables WHERE table_schema = database() AND table_name = '{table}'") > 0;
}

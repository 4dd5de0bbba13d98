using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests.Database;

/// <summary><c>push --database sqlite://…</c> into an SQLite file (one transaction per batch).</summary>
[Collection(nameof(HeavyDatabaseTests))]
public sealed class SqlitePushTests(SmallDataset dataset, SmallPreset preset) : DatabasePushTests(dataset, preset), IDisposable
{
    private readonly TempDirectory _folder = new("sqlite-push");
    private int _databases;

    private protected override Task<TestDatabase> CreateAsync()
    {
        string path = Path.Combine(_folder.Path, $"gorse{++_databases}.db");
        return Task.FromResult(new TestDatabase(path, $"Data Source={path}", "sqlite://" + path));
    }

    private protected override async Task<DbConnection> OpenAsync(TestDatabase database)
    {
        var connection = new SqliteConnection(database.ConnectionString + ";Default Timeout=30");
        await connection.OpenAsync(Token);
        return connection;
    }

    /// <summary>Gorse's SQLite driver writes times as text, 2006-01-02 15:04:05.999999999-07:00.</summary>
    private protected override DateTimeOffset Time(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>SQLite cannot sleep in a trigger: it counts the rows of a 600-row table joined with itself three times (216 million).</summary>
    private protected override string[] StallSql =>
    [
        "CREATE TABLE slow (x int)",
        "INSERT INTO slow WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 600) SELECT x FROM n",
        "CREATE TRIGGER stall BEFORE INSERT ON recsynth_push FOR EACH ROW WHEN NEW.table_name = 'feedback' AND NEW.batch = 3 "
            + "BEGIN SELECT count(*) FROM slow a, slow b, slow c; END",
    ];

    private protected override string[] UnstallSql => ["DROP TRIGGER stall", "DROP TABLE slow"];

    private protected override async Task<bool> TableExistsAsync(TestDatabase database, string table) =>
        await CountAsync(database, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'") > 0;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

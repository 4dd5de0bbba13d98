using System.Data.Common;
using MySqlConnector;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>The throwaway MariaDB server, reached with MySqlConnector.</summary>
public sealed class MariaDbFixtureTests(MariaDbFixture fixture) : DatabaseServerTests, IClassFixture<MariaDbFixture>
{
    private protected override DatabaseServer Server => fixture.Server;

    private protected override string UsersTableSql =>
        "CREATE TABLE users (user_id varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, labels json NOT NULL DEFAULT ('[]'), " +
        "comment text NOT NULL DEFAULT ('')) ENGINE=InnoDB";

    private protected override string InsertUserSql => "INSERT INTO users (user_id, labels) VALUES (@id, @labels)";

    private protected override string SelectUsersSql => "SELECT user_id, labels, comment FROM users";

    private protected override string CountTablesSql => "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()";

    private protected override string DataFolderSql => "SELECT @@datadir";

    private protected override string AdminDatabase => "mysql";

    private protected override DbConnection Connect(string connectionString) => new MySqlConnection(connectionString);

    private protected override string ExpectedGorseUrl(string database) =>
        $"mysql://recsynth:{fixture.Server.Password}@tcp(127.0.0.1:{fixture.Server.Port})/{database}?parseTime=true";

    private protected override async Task<DatabaseServer> StartAnotherAsync() => await MariaDbServer.StartAsync(Token);
}

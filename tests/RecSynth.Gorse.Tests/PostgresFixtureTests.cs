using System.Data.Common;
using Npgsql;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>The throwaway PostgreSQL server, reached with Npgsql.</summary>
public sealed class PostgresFixtureTests(PostgresFixture fixture) : DatabaseServerTests, IClassFixture<PostgresFixture>
{
    private protected override DatabaseServer Server => fixture.Server;

    private protected override string UsersTableSql =>
        """CREATE TABLE users (user_id varchar(256) COLLATE "C" PRIMARY KEY, labels json NOT NULL DEFAULT '[]', comment text NOT NULL DEFAULT '')""";

    private protected override string InsertUserSql => "INSERT INTO users (user_id, labels) VALUES (@id, @labels::json)";

    private protected override string SelectUsersSql => "SELECT user_id, labels::text, comment FROM users";

    private protected override string CountTablesSql => "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'";

    private protected override string DataFolderSql => "SHOW data_directory";

    private protected override string AdminDatabase => "postgres";

    private protected override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);

    private protected override string ExpectedGorseUrl(string database) =>
        $"postgres://recsynth:{fixture.Server.Password}@127.0.0.1:{fixture.Server.Port}/{database}?sslmode=disable";

    private protected override async Task<DatabaseServer> StartAnotherAsync() => await PostgresServer.StartAsync(Token);
}

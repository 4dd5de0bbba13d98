using System.Data.Common;
using RecSynth.Testing;

namespace RecSynth.Gorse.Tests;

/// <summary>
/// What the throwaway database servers the SQL push tests load into must do, whichever the server: a driver reaches
/// a fresh database, the server is not root and lives in its own folder, and dispose leaves nothing behind.
/// </summary>
public abstract class DatabaseServerTests
{
    private protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected abstract DatabaseServer Server { get; }

    private protected abstract string UsersTableSql { get; }

    private protected abstract string InsertUserSql { get; }

    private protected abstract string SelectUsersSql { get; }

    private protected abstract string CountTablesSql { get; }

    private protected abstract string DataFolderSql { get; }

    [Fact]
    public async Task The_driver_creates_a_gorse_users_table_and_reads_back_the_row_it_inserted()
    {
        var database = await Server.CreateDatabaseAsync(Token);
        await using var connection = Connect(database.ConnectionString);
        await connection.OpenAsync(Token);
        await Execute(connection, UsersTableSql);
        Assert.Equal(1, await Execute(connection, InsertUserSql, ("id", "u-1"), ("labels", """{"age":31}""")));

        await using var select = connection.CreateCommand();
        select.CommandText = SelectUsersSql;
        await using var reader = await select.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token));
        Assert.Equal(("u-1", """{"age":31}""", ""), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        Assert.False(await reader.ReadAsync(Token));
    }

    [Fact]
    public async Task Each_database_is_fresh_and_its_gorse_url_names_it()
    {
        var first = await Server.CreateDatabaseAsync(Token);
        await Server.QueryAsync(first.Name, "CREATE TABLE items (item_id varchar(256) PRIMARY KEY)", Token);
        var second = await Server.CreateDatabaseAsync(Token);

        Assert.NotEqual(first.Name, second.Name);
        Assert.Equal("0", (await Server.QueryAsync(second.Name, CountTablesSql, Token)).Trim());
        Assert.Equal(ExpectedGorseUrl(second.Name), second.GorseUrl);
    }

    [Fact]
    public async Task The_server_runs_as_a_user_other_than_root_from_its_own_data_folder()
    {
        string uid = File.ReadLines($"/proc/{Server.ProcessId}/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        var (code, owner, error) = await DatabaseAccount.RunAsync("id", ["-nu", uid], TimeSpan.FromSeconds(10), Token);
        Assert.True(code == 0, error);

        Assert.NotEqual("0", uid);
        Assert.Equal(DatabaseAccount.Name, owner.Trim());
        Assert.Equal(Server.DataFolder, (await Server.QueryAsync(AdminDatabase, DataFolderSql, Token)).Trim().TrimEnd('/'));
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_deletes_its_folder()
    {
        var server = await StartAnotherAsync();
        var (port, folder, pid) = (server.Port, server.Folder, server.ProcessId);
        Assert.True(ServerProcess.IsListening(port));

        await server.DisposeAsync();

        Assert.False(ServerProcess.IsListening(port), $"port {port} still accepts connections");
        Assert.False(Directory.Exists(folder), $"{folder} still exists");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still running");
    }

    private protected abstract string AdminDatabase { get; }

    private protected abstract DbConnection Connect(string connectionString);

    private protected abstract string ExpectedGorseUrl(string database);

    private protected abstract Task<DatabaseServer> StartAnotherAsync();

    private static async Task<int> Execute(DbConnection connection, string sql, params (string Name, string Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync(Token);
    }
}

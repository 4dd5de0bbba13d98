using System.Data.Common;
using Npgsql;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests.Database;

/// <summary><c>push --database postgres://…</c> into a real PostgreSQL (the bulk path: binary COPY, keys built at the end).</summary>
[Collection(nameof(HeavyDatabaseTests))]
public sealed class PostgresPushTests(PostgresFixture fixture, SmallDataset dataset, SmallPreset preset) : ServerDatabasePushTests(dataset, preset), IClassFixture<PostgresFixture>
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

    [Fact]
    public async Task Feedback_written_by_someone_else_during_a_bulk_load_is_kept_and_the_load_upserts_around_it()
    {
        var database = await CreateAsync();
        using var data = Load();
        bool written = false;
        var progress = new InlineProgress<GorsePushProgress>(p =>
        {
            if (p.Table == "feedback" && p.Done > 0 && !written)
            {
                written = true;
                using var other = new NpgsqlConnection(database.ConnectionString);
                other.Open();
                using var insert = new NpgsqlCommand("INSERT INTO feedback (feedback_type, user_id, item_id, time_stamp) VALUES ('star', 'someone', 'something', now())", other);
                insert.ExecuteNonQuery();
            }
        });

        await GorseDatabasePush.RunAsync(data, database.GorseUrl, new GorseDatabaseOptions { BatchSize = 100 }, progress, Token);

        var checks = await GorseDatabasePush.VerifyAsync(data, database.GorseUrl, new GorseDatabaseOptions(), cancellationToken: Token);
        var feedback = checks.Single(c => c.Table == "feedback");
        Assert.True(feedback.IsClean, feedback.ToString());
        Assert.Equal(1, feedback.Unexpected);
        Assert.NotEqual(feedback.ExpectedChecksum, feedback.Checksum); // the table holds one row more than the dataset
        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM feedback WHERE feedback_type = 'star'"));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%recsynth%'"));
    }

    [Fact]
    public async Task Verify_names_the_rows_that_differ_or_are_missing_and_the_checksums_tell_them_apart()
    {
        var database = await CreateAsync();
        using var data = Load();
        await GorseDatabasePush.RunAsync(data, database.GorseUrl, new GorseDatabaseOptions(), stop: Token);
        string item = data.Item(7).ItemId;
        var f = data.Feedback(3);
        await ExecuteAsync(database, $"UPDATE items SET labels = '{{\"style\":\"other\"}}' WHERE item_id = '{item}'");
        await ExecuteAsync(database, $"DELETE FROM feedback WHERE feedback_type = '{f.FeedbackType}' AND user_id = '{f.UserId}' AND item_id = '{f.ItemId}'");

        var checks = await GorseDatabasePush.VerifyAsync(data, database.GorseUrl, new GorseDatabaseOptions(), cancellationToken: Token);

        var items = checks.Single(c => c.Table == "items");
        Assert.Equal((0L, 1L), (items.Missing, items.Different));
        Assert.Equal($"{item}: labels differ", Assert.Single(items.Examples));
        Assert.NotEqual(items.ExpectedChecksum, items.Checksum);
        var feedback = checks.Single(c => c.Table == "feedback");
        Assert.Equal((1L, 0L), (feedback.Missing, feedback.Different));
        Assert.Equal($"{f.FeedbackType}/{f.UserId}/{f.ItemId}: missing", Assert.Single(feedback.Examples));
        var users = checks.Single(c => c.Table == "users");
        Assert.True(users.IsClean && users.Checksum == users.ExpectedChecksum);
    }

    [Fact]
    public async Task The_password_comes_from_a_file_or_a_variable_and_is_never_printed()
    {
        var database = await CreateAsync();
        using var temp = new TempDirectory("db-password");
        string folder = Dataset.CopyTo(temp);
        string bare = database.GorseUrl.Replace($":{fixture.Server.Password}@", "@", StringComparison.Ordinal);
        Assert.NotEqual(database.GorseUrl, bare);
        string right = temp.File("right"), wrong = temp.File("wrong");
        File.WriteAllText(right, fixture.Server.Password + "\n");
        File.WriteAllText(wrong, "Wr0ngPassw0rd");

        var refused = Tool.RunProcess(["push", folder, "--database", bare, "--password-file", wrong]);
        var byFile = Tool.RunProcess(["push", folder, "--database", bare, "--password-file", right, "--verify"]);
        var byVariable = Tool.RunProcess(["push", folder, "--database-env", "GORSE_DATA_STORE", "--dry-run"], environment: new Dictionary<string, string> { ["GORSE_DATA_STORE"] = database.GorseUrl });
        var badUrl = Tool.RunProcess(["push", folder, "--database", database.GorseUrl.Replace("postgres://", "postgress://", StringComparison.Ordinal)]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("password", refused.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(":***@", refused.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ngPassw0rd", refused.StdErr + refused.StdOut, StringComparison.Ordinal);
        Assert.True(byFile.ExitCode == 0, byFile.ToString());
        Assert.True(byVariable.ExitCode == 0, byVariable.ToString());
        Assert.Contains(":***@", byVariable.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("--database", badUrl.StdErr, StringComparison.Ordinal);
        foreach (var run in new[] { byFile, byVariable, badUrl })
        {
            Assert.DoesNotContain(fixture.Server.Password, run.StdErr + run.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_database_that_is_not_there_fails_at_once_naming_it()
    {
        using var data = Load();
        int port = Ports.Unused();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var retries = new List<string>();

        var error = await Assert.ThrowsAsync<GorseException>(() => GorseDatabasePush.RunAsync(
            data, $"postgres://u:Secret99@127.0.0.1:{port}/gorse?sslmode=disable", new GorseDatabaseOptions { OnRetry = retries.Add }, stop: Token));

        Assert.Empty(retries);
        Assert.StartsWith($"cannot connect to postgres://u:***@127.0.0.1:{port}/gorse", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret99", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    private GorseDataset Load() => GorseDataset.Load(Dataset.Folder, new GorseDatasetOptions(), Token);
}

using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Cli.Tests;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests.Database;

/// <summary>
/// <c>push --database</c> against a real database of each dialect. What the tables hold is read back with this test's
/// own SQL (not the library's reader) and compared with <see cref="ExpectedState"/>, which works the dataset out from
/// its files alone.
/// </summary>
public abstract class DatabasePushTests(SmallDataset dataset, SmallPreset preset)
{
    private protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected SmallDataset Dataset => dataset;

    /// <summary>A fresh, empty database.</summary>
    private protected abstract Task<TestDatabase> CreateAsync();

    /// <summary>A connection with the test's own driver settings (the fixture's connection string).</summary>
    private protected abstract Task<DbConnection> OpenAsync(TestDatabase database);

    /// <summary>A json column as text in a SELECT.</summary>
    private protected virtual string Text(string column) => column;

    /// <summary>A time column read as UTC.</summary>
    private protected virtual DateTimeOffset Time(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>The progress table as the load creates it (so that a trigger can be put on it first).</summary>
    private const string ProgressTableSql =
        "CREATE TABLE recsynth_push (load_id varchar(64) NOT NULL, table_name varchar(16) NOT NULL, batch int NOT NULL, PRIMARY KEY (load_id, table_name, batch))";

    /// <summary>A trigger named stall that, on the progress row of feedback batch 3, keeps the writer busy for many seconds.</summary>
    private protected abstract string[] StallSql { get; }

    /// <summary>Removes the stall.</summary>
    private protected abstract string[] UnstallSql { get; }

    /// <summary>Ends the server sessions of other clients (a killed client's session lives on until the server notices).</summary>
    private protected virtual Task EndOtherSessionsAsync(TestDatabase database) => Task.CompletedTask;

    private protected async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }

    /// <summary>Rows per transaction small enough that the load takes many batches.</summary>
    private const string SmallBatch = "20";

    /// <summary>
    /// <c>fit --database</c> reads the feedback table <c>push --database</c> filled: the same rows as the dataset's
    /// Gorse export, so the same profile and, with the same seed, the same config (docs/fitting.md).
    /// </summary>
    [Fact]
    public async Task Fit_from_the_database_reads_what_push_loaded()
    {
        var database = await CreateAsync();
        using var temp = new TempDirectory("db-fit");
        string folder = dataset.CopyTo(temp);
        var push = Tool.RunProcess(["push", folder, "--database", database.GorseUrl, "--quiet"]);
        Assert.True(push.ExitCode == 0, push.ToString());
        string exported = temp.Sub("export");
        Assert.Equal(0, (await Tool.RunAsync("export", folder, "--format", "gorse-jsonl", "-o", exported)).ExitCode);
        string fromDatabase = temp.File("database.toml"), fromExport = temp.File("export.toml");

        var viaDatabase = await Tool.RunAsync("fit", "--database", database.GorseUrl, "-o", fromDatabase, "--json", "--quiet");
        var viaExport = await Tool.RunAsync("fit", Path.Combine(exported, "feedback.jsonl"), "--layout", "gorse-jsonl", "-o", fromExport, "--json", "--quiet");

        Assert.True(viaDatabase.ExitCode == 0, viaDatabase.ToString());
        Assert.True(viaExport.ExitCode == 0, viaExport.ToString());
        using var a = JsonDocument.Parse(viaDatabase.StdOut);
        using var b = JsonDocument.Parse(viaExport.StdOut);
        Assert.Equal(b.RootElement.GetProperty("real").GetRawText(), a.RootElement.GetProperty("real").GetRawText());
        static string[] Settings(string file) => [.. File.ReadAllLines(file).Where(l => !l.StartsWith('#'))];
        Assert.Equal(Settings(fromExport), Settings(fromDatabase));
    }

    [Fact]
    public async Task A_load_holds_exactly_the_dataset_in_gorses_form_and_a_second_load_changes_nothing()
    {
        var database = await CreateAsync();
        using var temp = new TempDirectory("db-push");
        string folder = dataset.CopyTo(temp);

        var first = Tool.RunProcess(["push", folder, "--database", database.GorseUrl, "--with-embeddings", "--verify"]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("verify feedback:", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("(the dataset's)", first.StdOut, StringComparison.Ordinal);
        var expected = ExpectedState.Of(folder, withEmbeddings: true);
        var held = await ReadAsync(database, "");
        AssertHolds(expected, held);
        Assert.False(await TableExistsAsync(database, "recsynth_push"), "a finished load left its progress table behind");

        string versions = await RowVersionsAsync(database);

        var second = Tool.RunProcess(["push", folder, "--database", database.GorseUrl, "--with-embeddings"]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(held, await ReadAsync(database, ""));
        Assert.Equal(versions, await RowVersionsAsync(database)); // not even rewritten with the same values
    }

    /// <summary>Where the dialect can tell (PostgreSQL's xmin), each row's version: a row rewritten, even unchanged, gets a new one.</summary>
    private protected virtual Task<string> RowVersionsAsync(TestDatabase database) => Task.FromResult("");

    [Fact]
    public async Task The_small_preset_with_embeddings_loads_exactly_and_a_second_load_changes_nothing()
    {
        var database = await CreateAsync();
        using var data = GorseDataset.Load(preset.Folder, new GorseDatasetOptions { WithEmbeddings = true }, Token);

        var first = await GorseDatabasePush.RunAsync(data, database.GorseUrl, new GorseDatabaseOptions(), stop: Token);
        var held = await ReadAsync(database, "");
        string versions = await RowVersionsAsync(database);
        var second = await GorseDatabasePush.RunAsync(data, database.GorseUrl, new GorseDatabaseOptions(), stop: Token);

        Assert.True(data.FeedbackCount > 100_000, $"only {data.FeedbackCount} feedback rows: not the small preset");
        Assert.Equal(first.Select(t => t.Rows), second.Select(t => t.Rows));
        AssertHolds(ExpectedState.Of(preset.Folder, withEmbeddings: true), held);
        Assert.Equal(held, await ReadAsync(database, ""));
        Assert.Equal(versions, await RowVersionsAsync(database));
    }

    [Fact]
    public async Task A_load_killed_midway_and_resumed_equals_a_clean_load()
    {
        var clean = await CreateAsync();
        var killed = await CreateAsync();
        using var temp = new TempDirectory("db-kill");
        string folder = dataset.CopyTo(temp);
        var done = Tool.RunProcess(["push", folder, "--database", clean.GorseUrl, "--batch-size", SmallBatch, "--quiet"]);
        Assert.True(done.ExitCode == 0, done.ToString());

        // The fourth feedback batch stalls in its transaction (a trigger on its progress row); the load is killed there.
        await ExecuteAsync(killed, ProgressTableSql);
        foreach (string statement in StallSql)
        {
            await ExecuteAsync(killed, statement);
        }

        using (var child = ChildProcess.Start(["push", folder, "--database", killed.GorseUrl, "--batch-size", SmallBatch, "--quiet"]))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (await CountAsync(killed, "SELECT count(*) FROM recsynth_push WHERE table_name = 'feedback'") < 3)
            {
                Assert.False(child.HasExited, $"the load ended before it was killed:\n{child.StdErrSoFar}");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no feedback batch within a minute");
                await Task.Delay(5, Token);
            }

            await Task.Delay(300, Token); // well inside the stalled batch
            Assert.False(child.HasExited, $"the load ended before it was killed:\n{child.StdErrSoFar}");
            child.Signal("KILL");
            Assert.NotEqual(0, child.WaitForExit(TimeSpan.FromSeconds(30)).ExitCode);
        }

        // The killed load's server session would hold its batch's locks until the stall ends.
        await EndOtherSessionsAsync(killed);
        foreach (string statement in UnstallSql)
        {
            await ExecuteAsync(killed, statement);
        }

        long recorded = await CountAsync(killed, "SELECT count(*) FROM recsynth_push WHERE table_name = 'feedback'");
        var resumed = Tool.RunProcess(["push", folder, "--database", killed.GorseUrl, "--batch-size", SmallBatch, "--resume"]);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(
            System.Text.RegularExpressions.Regex.IsMatch(resumed.StdOut, @"feedback: [\d,]+ rows, [\d,]+ batches written, [1-9][\d,]* skipped \(resume\)"),
            $"{recorded} feedback batches were recorded before the kill; the resume:\n{resumed}");
        Assert.True(recorded >= 3, $"only {recorded} feedback batches were recorded before the kill");
        Assert.Equal(await ReadAsync(clean, ""), await ReadAsync(killed, ""));
        AssertHolds(ExpectedState.Of(folder, withEmbeddings: false), await ReadAsync(killed, ""));
    }

    [Fact]
    public async Task A_cancelled_load_stops_after_the_batch_in_flight_and_a_resume_completes_it()
    {
        var database = await CreateAsync();
        using var data = GorseDataset.Load(dataset.Folder, new GorseDatasetOptions(), Token);
        using var stop = new CancellationTokenSource();
        var progress = new InlineProgress<GorsePushProgress>(p =>
        {
            if (p.Table == "feedback" && p.Done >= 200)
            {
                stop.Cancel(); // Ctrl+C after the second feedback batch
            }
        });
        var options = new GorseDatabaseOptions { BatchSize = 100 };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GorseDatabasePush.RunAsync(data, database.GorseUrl, options, progress, stop.Token));
        long committed = await CountAsync(database, "SELECT count(*) FROM recsynth_push WHERE table_name = 'feedback'");
        var resumed = await GorseDatabasePush.RunAsync(data, database.GorseUrl, options with { Resume = true }, stop: Token);

        Assert.Equal(2, committed); // the batch in flight was committed, no other began
        Assert.Equal(2, resumed.Single(t => t.Table == "feedback").BatchesSkipped);
        AssertHolds(ExpectedState.Of(dataset.Folder, withEmbeddings: false), await ReadAsync(database, ""));
    }

    [Fact]
    public async Task A_resume_over_a_load_of_other_options_is_refused_and_a_table_prefix_keeps_loads_apart()
    {
        var database = await CreateAsync();
        using var temp = new TempDirectory("db-prefix");
        string folder = dataset.CopyTo(temp);
        await using (var connection = await OpenAsync(database))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ProgressTableSql.Replace("recsynth_push", "g_recsynth_push", StringComparison.Ordinal);
            await command.ExecuteNonQueryAsync(Token);
            command.CommandText = "INSERT INTO g_recsynth_push VALUES ('0123456789abcdef0123456789abcdef', 'users', 0)";
            await command.ExecuteNonQueryAsync(Token);
        }

        var refused = Tool.RunProcess(["push", folder, "--database", database.GorseUrl, "--table-prefix", "g_", "--resume"]);
        var loaded = Tool.RunProcess(["push", folder, "--database", database.GorseUrl, "--table-prefix", "g_"]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("cannot resume", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("drop --resume", refused.StdErr, StringComparison.Ordinal);
        Assert.True(loaded.ExitCode == 0, loaded.ToString());
        Assert.Contains("g_feedback:", loaded.StdOut, StringComparison.Ordinal);
        AssertHolds(ExpectedState.Of(folder, withEmbeddings: false), await ReadAsync(database, "g_"));
        Assert.False(await TableExistsAsync(database, "users"), "tables without the prefix were created");
    }

    /// <summary>Every table as this test reads it: users, items and feedback rows in key order.</summary>
    private protected sealed record Snapshot(string Users, string Items, string Feedback)
    {
        public List<string[]> Rows(string table) =>
            [.. (table switch { "users" => Users, "items" => Items, _ => Feedback }).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\u001f'))];
    }

    private protected async Task<Snapshot> ReadAsync(TestDatabase database, string prefix)
    {
        await using var connection = await OpenAsync(database);
        return new Snapshot(
            await DumpAsync(connection, $"SELECT user_id, {Text("labels")}, comment FROM {prefix}users ORDER BY user_id", []),
            await DumpAsync(connection, $"SELECT item_id, is_hidden, {Text("categories")}, time_stamp, {Text("labels")}, comment FROM {prefix}items ORDER BY item_id", [3]),
            await DumpAsync(connection,
                $"SELECT feedback_type, user_id, item_id, value, time_stamp, updated, {Text("labels")}, comment FROM {prefix}feedback ORDER BY feedback_type, user_id, item_id", [4, 5]));
    }

    private async Task<string> DumpAsync(DbConnection connection, string sql, int[] times)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Token);
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync(Token))
        {
            for (int i = 0; i < reader.FieldCount; i++)
            {
                string field = reader.IsDBNull(i) ? "NULL"
                    : times.Contains(i) ? Time(reader, i).ToString("O", CultureInfo.InvariantCulture)
                    : reader.GetValue(i) is bool or sbyte or long or int ? Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture) != 0 ? "true" : "false"
                    : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                text.Append(i == 0 ? "" : "\u001f").Append(field);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The tables hold exactly the dataset: the same keys, every label, Gorse's PUT feedback, JSON as Gorse writes it.</summary>
    private protected static void AssertHolds(ExpectedState expected, Snapshot held)
    {
        var users = held.Rows("users");
        Assert.Equal(expected.Users.Keys.Order(StringComparer.Ordinal), users.Select(r => r[0]));
        foreach (var row in users)
        {
            AssertGoForm(row[1]);
            Assert.True(ExpectedState.SameJson(expected.Users[row[0]], JsonNode.Parse(row[1])), $"user {row[0]}: labels {row[1]}");
            Assert.Equal("", row[2]);
        }

        var items = held.Rows("items");
        Assert.Equal(expected.Items.Keys.Order(StringComparer.Ordinal), items.Select(r => r[0]));
        foreach (var row in items)
        {
            var item = expected.Items[row[0]];
            Assert.Equal("false", row[1]);
            Assert.Equal(item.Categories, JsonSerializer.Deserialize<string[]>(row[2]));
            Assert.Equal(item.Timestamp, DateTimeOffset.Parse(row[3], CultureInfo.InvariantCulture));
            AssertGoForm(row[4]);
            Assert.True(ExpectedState.SameJson(item.Labels, JsonNode.Parse(row[4])), $"item {row[0]}: labels differ");
            Assert.Equal(item.Comment, row[5]);
        }

        var feedback = held.Rows("feedback");
        Assert.Equal(expected.Feedback.Keys.Order(), feedback.Select(r => (r[0], r[1], r[2])));
        foreach (var row in feedback)
        {
            var f = expected.Feedback[(row[0], row[1], row[2])];
            Assert.Equal(f.Value, double.Parse(row[3], CultureInfo.InvariantCulture));
            Assert.Equal(f.Timestamp, DateTimeOffset.Parse(row[4], CultureInfo.InvariantCulture));
            Assert.Equal(row[4], row[5]); // PUT stores updated = timestamp
            Assert.Equal("NULL", row[6]); // the REST push sends no feedback labels
            ExpectedState.AssertComment(f, row[7], (row[0], row[1], row[2]));
        }
    }

    /// <summary>Gorse's json.Marshal form: compact, object keys in byte order at every level.</summary>
    private static void AssertGoForm(string json)
    {
        Assert.DoesNotContain(": ", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        void Check(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                var names = element.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names.Order(StringComparer.Ordinal), names);
                foreach (var property in element.EnumerateObject())
                {
                    Check(property.Value);
                }
            }
        }

        Check(document.RootElement);
    }

    private protected async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
        }
        catch (DbException)
        {
            return 0; // the progress table is not there yet
        }
    }

    private protected abstract Task<bool> TableExistsAsync(TestDatabase database, string table);
}

/// <summary>The tests that need a database server (PostgreSQL, MariaDB), not a file.</summary>
public abstract class ServerDatabasePushTests(SmallDataset dataset, SmallPreset preset) : DatabasePushTests(dataset, preset)
{
    [Fact]
    public async Task A_connection_lost_mid_load_is_retried_and_the_load_completes_exactly()
    {
        var database = await CreateAsync();
        using var data = GorseDataset.Load(Dataset.Folder, new GorseDatasetOptions(), Token);
        var retries = new List<string>();
        bool cut = false;
        var progress = new InlineProgress<GorsePushProgress>(p =>
        {
            if (p.Table == "feedback" && p.Done > 0 && !cut)
            {
                cut = true;
                EndOtherSessionsAsync(database).GetAwaiter().GetResult(); // a real lost connection: the server ends the load's session
            }
        });

        var results = await GorseDatabasePush.RunAsync(
            data, database.GorseUrl, new GorseDatabaseOptions { BatchSize = 100, RetryDelay = TimeSpan.FromMilliseconds(50), OnRetry = retries.Add }, progress, Token);

        Assert.True(cut);
        Assert.True(results.Single(r => r.Table == "feedback").Retries >= 1, string.Join("\n", retries));
        Assert.NotEmpty(retries);
        string password = database.GorseUrl[(database.GorseUrl.IndexOf(':', database.GorseUrl.IndexOf("://", StringComparison.Ordinal) + 3) + 1)..database.GorseUrl.IndexOf('@', StringComparison.Ordinal)];
        Assert.DoesNotContain(retries, line => line.Contains(password, StringComparison.Ordinal));
        var checks = await GorseDatabasePush.VerifyAsync(data, database.GorseUrl, new GorseDatabaseOptions(), cancellationToken: Token);
        Assert.All(checks, c => Assert.True(c.IsClean && c.Unexpected == 0 && c.Checksum == c.ExpectedChecksum, c.ToString()));
    }
}

/// <summary>
/// The database load tests, one class at a time: each loads the small preset, and run side by side with each other they
/// would starve the timing-sensitive tests of the rest of the assembly on a 2-core machine.
/// </summary>
[CollectionDefinition(nameof(HeavyDatabaseTests))]
public sealed class HeavyDatabaseTests;

/// <summary>Reports on the loader's own thread, as it happens (<see cref="Progress{T}"/> would post them).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

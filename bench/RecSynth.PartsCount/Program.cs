// Counts a parts folder's interactions and sessions with DuckDB, reading every part as one table, and compares the
// counts with what the parts' manifests (shards/part-*.json) say they hold: the check docs/sharding.md and
// bench/ten-million.sh run on the ten-million-user dataset. Exit code 0: the counts agree; 1: they do not; 2: usage.
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

if (args.Length != 1 || !Directory.Exists(Path.Combine(args[0], "shards")))
{
    Console.Error.WriteLine("usage: RecSynth.PartsCount FOLDER (a dataset folder written by generate --stage behaviour --shard k/n)");
    return 2;
}

string folder = Path.GetFullPath(args[0]);
long expectedInteractions = 0, expectedSessions = 0;
int parts = 0;
foreach (string manifest in Directory.GetFiles(Path.Combine(folder, "shards"), "part-*.json").Order(StringComparer.Ordinal))
{
    using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
    var counts = json.RootElement.GetProperty("stages").GetProperty("behaviour").GetProperty("counts");
    expectedInteractions += counts.GetProperty("interactions").GetInt64();
    expectedSessions += counts.GetProperty("sessions").GetInt64();
    parts++;
}

using var connection = new DuckDBConnection("DataSource=:memory:");
connection.Open();
(long Rows, long Users) Count(string table)
{
    using var command = connection.CreateCommand();
    command.CommandText = $"SELECT count(*), count(DISTINCT UserId) FROM read_parquet('{Path.Combine(folder, table, "*.parquet").Replace("'", "''", StringComparison.Ordinal)}')";
    using var reader = command.ExecuteReader();
    reader.Read();
    return (reader.GetInt64(0), reader.GetInt64(1));
}

// Each user lives in one part: the distinct users of all parts together are the sum of each part's.
long PerPartUsers(string table)
{
    using var command = connection.CreateCommand();
    command.CommandText = $"SELECT CAST(sum(users) AS BIGINT) FROM (SELECT count(DISTINCT UserId) AS users FROM read_parquet('{Path.Combine(folder, table, "*.parquet").Replace("'", "''", StringComparison.Ordinal)}', filename = true) GROUP BY filename)";
    return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
}

var started = System.Diagnostics.Stopwatch.StartNew();
var interactions = Count("interactions");
long perPart = PerPartUsers("interactions");
var sessions = Count("sessions");
string Say(long x) => x.ToString("N0", CultureInfo.InvariantCulture);
Console.WriteLine($"{parts} parts in {folder}");
Console.WriteLine($"interactions: {Say(interactions.Rows)} rows, {Say(interactions.Users)} distinct users (manifests: {Say(expectedInteractions)} rows; parts' own distinct users summed: {Say(perPart)})");
Console.WriteLine($"sessions:     {Say(sessions.Rows)} rows, {Say(sessions.Users)} distinct users (manifests: {Say(expectedSessions)} rows)");
Console.WriteLine($"DuckDB took {started.Elapsed.TotalSeconds:F1} s");
bool agree = interactions.Rows == expectedInteractions && sessions.Rows == expectedSessions && interactions.Users == perPart && interactions.Users <= sessions.Users;
Console.WriteLine(agree ? "the counts agree" : "THE COUNTS DO NOT AGREE");
return agree ? 0 : 1;

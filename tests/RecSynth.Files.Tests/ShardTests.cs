using nietras.SeparatedValues;
using RecSynth.Configuration;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// Issue 3 §7: <c>--shard k/n</c> simulates users split by id; the shards merged by time are byte for byte the files
/// of the single-machine run (n = 3, with a user count that 3 does not divide).
/// </summary>
public sealed class ShardTests : IClassFixture<ShardTests.Runs>
{
    private readonly Runs _runs;

    public ShardTests(Runs runs) => _runs = runs;

    [Fact]
    public void Three_merged_shards_equal_the_single_machine_dataset_byte_for_byte()
    {
        using var temp = new TempDirectory("merge");
        string merged = temp.Sub("merged");

        // Given out of order, as a shell glob or a job scheduler may list them.
        DatasetMerger.Merge([_runs.Shards[2], _runs.Shards[0], _runs.Shards[1]], merged, cancellationToken: TestContext.Current.CancellationToken);

        var expected = DatasetFiles.Snapshot(_runs.Whole);
        var actual = DatasetFiles.Snapshot(merged);
        Assert.Contains("manifest.json", expected.Keys);
        DatasetFiles.AssertSameSnapshot(expected, actual);
    }

    [Fact]
    public void Each_shard_simulates_exactly_its_contiguous_third_of_the_users()
    {
        var wholeUsers = UsersIn(Path.Combine(_runs.Whole, "sessions.csv"));
        int total = Options.Users.Count;
        var seen = new HashSet<int>();
        for (int k = 0; k < 3; k++)
        {
            // Shard k owns user indexes [k*N/3, (k+1)*N/3): 0..332, 333..665, 666..999 for N = 1,000.
            int first = k * total / 3, end = (k + 1) * total / 3;
            var users = UsersIn(Path.Combine(_runs.Shards[k], "sessions.csv"));
            Assert.NotEmpty(users);
            Assert.All(users, u => Assert.InRange(u, first, end - 1));
            Assert.All(UsersIn(Path.Combine(_runs.Shards[k], "interactions.csv")), u => Assert.InRange(u, first, end - 1));
            Assert.Equal(Enumerable.Range(first, end - first), GroundTruthUsers(_runs.Shards[k]));
            seen.UnionWith(users);

            // The catalogue and users are whole in every shard.
            foreach (string file in DatasetFiles.CatalogAndUsers)
            {
                Assert.Equal(DatasetFiles.Sha256(Path.Combine(_runs.Whole, file)), DatasetFiles.Sha256(Path.Combine(_runs.Shards[k], file)));
            }

            var manifest = DatasetManifest.Read(Path.Combine(_runs.Shards[k], DatasetManifest.FileName));
            Assert.Equal($"{k}/3", manifest.Stages["behaviour"].Shard);
        }

        Assert.Equal(wholeUsers.Order(), seen.Order());
    }

    [Fact]
    public void Merging_refuses_an_incomplete_duplicated_or_mixed_set_of_shards_and_leaves_nothing()
    {
        using var temp = new TempDirectory("bad-merge");
        var token = TestContext.Current.CancellationToken;
        string output = temp.Sub("out");

        var missing = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge([_runs.Shards[0], _runs.Shards[2]], output, cancellationToken: token));
        Assert.Contains("1/3", missing.Message, StringComparison.Ordinal);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge([_runs.Shards[0], _runs.Shards[1], _runs.Shards[1]], output, cancellationToken: token));
        Assert.Contains("twice", twice.Message, StringComparison.Ordinal);

        var whole = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge([_runs.Whole], output, cancellationToken: token));
        Assert.Contains("not a shard", whole.Message, StringComparison.Ordinal);

        // Shard 1 of another seed: same sizes, other run.
        string stranger = temp.Sub("stranger");
        DatasetGenerator.Generate(Options with { Seed = 7 }, TestOptions.Output(stranger) with { Shard = new DatasetShard(1, 3) }, cancellationToken: token);
        var mixed = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge([_runs.Shards[0], stranger, _runs.Shards[2]], output, cancellationToken: token));
        Assert.Contains("not shards of one run", mixed.Message, StringComparison.Ordinal);

        Assert.False(Directory.Exists(output), "a refused merge left its output folder behind");
    }

    [Fact]
    public void A_shard_file_changed_after_it_was_written_fails_the_merge_naming_it_and_leaves_nothing()
    {
        using var temp = new TempDirectory("tampered");
        var copies = _runs.Shards.Select((s, k) =>
        {
            string copy = temp.Sub("s" + k);
            DatasetFiles.Copy(s, copy);
            return copy;
        }).ToArray();
        string sessions = Path.Combine(copies[1], "sessions.csv");
        var lines = File.ReadAllLines(sessions);
        lines[5] += "0"; // the last column (Reward) changed, still a well-formed row
        File.WriteAllText(sessions, string.Join('\n', lines) + "\n");

        string output = temp.Sub("out");
        var error = Assert.Throws<DatasetUsageException>(() => DatasetMerger.Merge(copies, output, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(sessions, error.Message, StringComparison.Ordinal);
        Assert.Contains("manifest", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_shard_of_the_catalogue_or_users_stage_alone_is_refused()
    {
        using var temp = new TempDirectory("shard-stage");
        var error = Assert.Throws<OptionsException>(() => DatasetGenerator.Generate(
            Options, TestOptions.Output(temp.Sub("out"), stage: DatasetStage.Catalog) with { Shard = new DatasetShard(0, 2) }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("run.shard", Assert.Single(error.Problems).KeyPath); // the library names option paths; the CLI maps them to --shard
        Assert.False(Directory.Exists(temp.Sub("out")));
    }

    [Theory]
    [InlineData("0/3", 0, 3)]
    [InlineData("2/3", 2, 3)]
    [InlineData("0/1", 0, 1)]
    public void Shard_specs_parse(string text, int index, int count) =>
        Assert.Equal(new DatasetShard(index, count), DatasetShard.TryParse(text, out _));

    [Theory]
    [InlineData("3/3", "below")]
    [InlineData("1/0", "[1,")]
    [InlineData("-1/3", "k/n")]
    [InlineData("1", "k/n")]
    [InlineData("a/b", "k/n")]
    [InlineData("1/2/3", "k/n")]
    public void Bad_shard_specs_say_why(string text, string reason)
    {
        Assert.Null(DatasetShard.TryParse(text, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_cover_every_user_once_for_any_count()
    {
        foreach (int users in new[] { 1, 2, 999, 1_000, 1_000_000 })
        {
            foreach (int n in new[] { 1, 2, 3, 7, 64 })
            {
                int next = 0;
                for (int k = 0; k < n; k++)
                {
                    var (first, count) = new DatasetShard(k, n).UsersOf(users);
                    Assert.Equal(next, first);
                    Assert.InRange(count, users / n, users / n + 1);
                    next = first + count;
                }

                Assert.Equal(users, next);
            }
        }
    }

    private static readonly RecSynthOptions Options = TestOptions.Dataset(1_500, 1_000, weeks: 3) with { Factors = new FactorOptions { Write = true } };

    private static SortedSet<int> UsersIn(string csv)
    {
        using var reader = Sep.Reader().FromFile(csv);
        var users = new SortedSet<int>();
        foreach (var row in reader)
        {
            users.Add(UserIndex(row["UserId"].ToString()));
        }

        return users;
    }

    private static int[] GroundTruthUsers(string folder)
    {
        using var reader = Sep.Reader().FromFile(Path.Combine(folder, "ground_truth.csv"));
        return [.. reader.Enumerate(row => UserIndex(row["UserId"].ToString()))];
    }

    /// <summary>U000042 → 42 (docs/design.md §3: the index, zero-padded).</summary>
    private static int UserIndex(string id) => int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The single-machine run and its three shards, written once for the class.</summary>
    public sealed class Runs : IDisposable
    {
        private readonly TempDirectory _temp = new("shards");

        public Runs()
        {
            Whole = _temp.Sub("whole");
            DatasetGenerator.Generate(Options, TestOptions.Output(Whole));
            Shards = [.. Enumerable.Range(0, 3).Select(k =>
            {
                string folder = _temp.Sub("shard" + k);
                DatasetGenerator.Generate(Options, TestOptions.Output(folder, threads: 1 + k) with { Shard = new DatasetShard(k, 3) });
                return folder;
            })];
        }

        public string Whole { get; }

        public IReadOnlyList<string> Shards { get; }

        public void Dispose() => _temp.Dispose();
    }
}

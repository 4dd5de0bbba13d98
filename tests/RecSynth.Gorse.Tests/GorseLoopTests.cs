using System.Globalization;
using RecSynth.Bandits;
using RecSynth.Cli.Tests;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary>The gorse recommender of the closed loop (issue 4 §6, issue 5): slates from the server, each day's feedback written back.</summary>
public sealed class GorseLoopTests
{
    private static RecSynthOptions ThreeDays()
    {
        var start = new DateTimeOffset(2023, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var options = new RecSynthOptions().WithPreset(Preset.Small);
        return (options with
        {
            Catalog = options.Catalog with { Count = 200 },
            Users = options.Users with { Count = 150 },
            Time = new TimeWindowOptions { Start = start, End = start.AddDays(3) },
        }).EnsureValid();
    }

    [Fact]
    public async Task A_three_day_loop_takes_its_slates_from_gorse_and_leaves_the_runs_feedback_on_the_server()
    {
        using var temp = new TempDirectory("gorse-loop");
        await using var server = await GorseTestServer.StartAsync();
        using var client = new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint });
        var service = new GorseSlateService(client, cancellationToken: TestContext.Current.CancellationToken);
        string folder = temp.Sub("out");

        var result = DatasetGenerator.Simulate(
            ThreeDays(), new GenerateOptions { Directory = folder, Threads = 2 },
            new SimulationOptions { Policy = "uniform", Service = service }, cancellationToken: TestContext.Current.CancellationToken);

        // Every user and product was inserted, and the slates came from the server's two recommenders.
        Assert.Equal(150, server.Store.Users.Count);
        Assert.Equal(200, server.Store.Items.Count);
        Assert.True(server.Store.Items.Values.All(i => i.Labels?["embedding"] is not null), "an item has no embedding label");
        var requests = server.Requests;
        Assert.Contains(requests, r => r.Path.StartsWith("/api/recommend/", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Path.StartsWith("/api/item-to-item/image_sim/", StringComparison.Ordinal));
        Assert.Equal(3, result.Loop.Days.Length);

        // The server holds the run's feedback exactly: per (type, user, product), the number of events, the first time,
        // and in the comment the later events' seconds after it (docs/gorse.md).
        var expected = File.ReadLines(Path.Combine(folder, "interactions.csv")).Skip(1).Select(l => l.Split(','))
            .GroupBy(f => (f[0], f[1], f[2]))
            .ToDictionary(g => g.Key, g => g.Select(f => DateTimeOffset.Parse(f[3], CultureInfo.InvariantCulture)).Order().ToList());
        Assert.True(expected.Count > 20, $"only {expected.Count} feedback keys: the loop hardly ran");
        Assert.Contains(expected.Values, times => times.Count > 1);
        Assert.Equal(expected.Keys.Order(), server.Store.Feedback.Keys.Order());
        foreach (var (key, feedback) in server.Store.Feedback)
        {
            var times = expected[key];
            Assert.Equal(times.Count, feedback.Value);
            Assert.Equal(times[0], feedback.Timestamp);
            string later = string.Join(',', times.Skip(1).Select(t => $"+{(long)(t - times[0]).TotalSeconds}"));
            int semicolon = feedback.Comment.IndexOf(';', StringComparison.Ordinal);
            Assert.Equal(times.Count == 1 ? "" : ";" + later, semicolon < 0 ? "" : feedback.Comment[semicolon..]);
        }

        // Feedback went out once per day, after the day: three rounds of PUT at most.
        Assert.InRange(requests.Count(r => r.Method == "PUT" && r.Path == "/api/feedback"), 1, 3);

        // The simulator wants 120 CF candidates; the server's cache holds 100: no list reached the fallback, so every CF
        // position of every slate held a CF item.
        Assert.Equal(100, server.CacheSize);
        Assert.Empty(server.FallbackServed);
        Assert.All(requests.Where(r => r.Path.StartsWith("/api/recommend/", StringComparison.Ordinal)), r => Assert.Contains("n=100", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_test_server_fills_a_recommend_list_beyond_its_cache_size_from_the_latest_items_as_Gorse_does()
    {
        await using var server = await GorseTestServer.StartAsync();
        server.CacheSize = 5;
        using var client = new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint });
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await client.InsertItemsAsync([.. Enumerable.Range(0, 12).Select(i => new GorseItem { ItemId = $"item_{i}", Timestamp = start.AddDays(i) })], TestContext.Current.CancellationToken);

        var eight = await client.RecommendAsync("U1", 8, cancellationToken: TestContext.Current.CancellationToken);
        var five = await client.RecommendAsync("U1", 5, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(five.Select(s => s.Id), eight.Take(5).Select(s => s.Id));
        Assert.Empty(eight.Skip(5).Select(s => s.Id).Intersect(five.Select(s => s.Id)));
        var latest = Enumerable.Range(0, 12).Reverse().Select(i => $"item_{i}").Where(id => !five.Any(s => s.Id == id)).Take(3);
        Assert.Equal(latest, eight.Skip(5).Select(s => s.Id));
        Assert.Equal(3, server.FallbackServed.Count);
    }

    [Fact]
    public async Task A_loop_on_a_gorse_loaded_by_push_keeps_every_label_of_its_users_and_items()
    {
        // The test server overwrites on insert as Gorse does: a bare user or item sent over one push loaded would wipe
        // its labels (style, price, title, embedding).
        using var temp = new TempDirectory("gorse-labels");
        await using var server = await GorseTestServer.StartAsync();
        using var client = new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint });
        string dataset = temp.Sub("dataset");
        DatasetGenerator.Generate(ThreeDays(), new GenerateOptions { Directory = dataset, Threads = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        using (var data = GorseDataset.Load(dataset, new GorseDatasetOptions { WithEmbeddings = true }, TestContext.Current.CancellationToken))
        {
            await GorsePush.RunAsync(data, client, new GorsePushOptions(), stop: TestContext.Current.CancellationToken);
        }

        var users = server.Store.Users.ToDictionary(u => u.Key, u => (u.Value.Labels?.ToJsonString(), u.Value.Comment));
        var items = server.Store.Items.ToDictionary(i => i.Key, i => (i.Value.Labels?.ToJsonString(), i.Value.Comment, string.Join('|', i.Value.Categories ?? []), i.Value.Timestamp));
        Assert.All(users.Values, u => Assert.Contains("style", u.Item1 ?? "", StringComparison.Ordinal));
        Assert.All(items.Values, i => Assert.Contains("embedding", i.Item1 ?? "", StringComparison.Ordinal));

        int pushed = server.Requests.Count;
        var service = new GorseSlateService(client, cancellationToken: TestContext.Current.CancellationToken);
        var result = DatasetGenerator.Simulate(
            ThreeDays(), new GenerateOptions { Directory = temp.Sub("out"), Threads = 2 },
            new SimulationOptions { Policy = "thompson", Service = service }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, result.Loop.Days.Length);
        Assert.NotEmpty(server.Store.Feedback);
        Assert.Equal(users, server.Store.Users.ToDictionary(u => u.Key, u => (u.Value.Labels?.ToJsonString(), u.Value.Comment)));
        Assert.Equal(items, server.Store.Items.ToDictionary(i => i.Key, i => (i.Value.Labels?.ToJsonString(), i.Value.Comment, string.Join('|', i.Value.Categories ?? []), i.Value.Timestamp)));
        Assert.DoesNotContain(server.Requests.Skip(pushed), r => r.Method == "POST" && r.Path is "/api/users" or "/api/items"); // nothing was missing
    }

    [Fact]
    public async Task Simulate_recommender_gorse_runs_a_three_day_loop_from_the_command_line()
    {
        using var temp = new TempDirectory("gorse-cli");
        await using var server = await GorseTestServer.StartAsync(apiKey: "loop-key-7f3a");
        string config = temp.File("days.toml");
        File.WriteAllText(config, "[time]\nstart = 2023-01-02T00:00:00Z\nend = 2023-01-05T00:00:00Z\n");

        var result = Tool.RunProcess(
            ["simulate", "-c", config, "--products", "200", "--users", "150", "--policy", "thompson", "--recommender", "gorse",
             "--gorse-url", server.Endpoint.ToString(), "--api-key-env", "LOOP_KEY", "-o", temp.Sub("out"), "--quiet"],
            environment: new Dictionary<string, string> { ["LOOP_KEY"] = "loop-key-7f3a" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, File.ReadLines(Path.Combine(temp.Sub("out"), "metrics.csv")).Count()); // header and three days
        Assert.NotEmpty(server.Store.Feedback);
        Assert.All(server.Requests, r => Assert.True(r.ApiKey, $"{r.Method} {r.Path} came without the key"));
    }

    [Fact]
    public async Task Simulate_against_a_closed_port_fails_at_once_naming_the_url_and_writes_nothing()
    {
        using var temp = new TempDirectory("gorse-closed");
        string url = $"http://127.0.0.1:{Ports.Unused()}/";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Tool.RunAsync("simulate", "--products", "200", "--users", "50", "--days", "3", "--policy", "uniform",
            "--recommender", "gorse", "--gorse-url", url, "-o", temp.Sub("out"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"cannot reach Gorse at {url}", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("; retry ", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("world", result.StdErr, StringComparison.Ordinal); // checked before the world is built
        Assert.False(Directory.Exists(temp.Sub("out")));
        // Generous: the answer is immediate; the client's six retries took 17-23 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: a retry loop ran");
    }

    [Fact]
    public async Task Simulate_shows_each_retry_of_the_gorse_server_as_it_happens()
    {
        using var temp = new TempDirectory("gorse-retry");
        await using var server = await GorseTestServer.StartAsync(faults: new GorseFaults { UnavailableWrites = 1 });

        var result = await Tool.RunAsync("simulate", "--products", "200", "--users", "50", "--days", "2", "--policy", "uniform",
            "--recommender", "gorse", "--gorse-url", server.Endpoint.ToString(), "-o", temp.Sub("out"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^recsynth: POST /api/users answered 503 Service Unavailable; retry 1 of \d+ in \d+\.\d s$", result.StdErr);
    }

    [Fact]
    public async Task Gorse_without_a_url_exits_2()
    {
        var result = await Tool.RunAsync("simulate", "--products", "200", "--users", "50", "--days", "3", "--policy", "uniform", "--recommender", "gorse");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--gorse-url", result.StdErr, StringComparison.Ordinal);
    }
}

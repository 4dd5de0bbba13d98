using System.Text.Json;
using System.Text.Json.Nodes;
using RecSynth.Files.Config;
using RecSynth.Fitting;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary><c>recsynth fit --gorse-url</c> against the test server loaded by <c>push</c>, beside <c>fit</c> on the folder itself.</summary>
public sealed class GorseFitTests
{
    private static readonly JsonSerializerOptions s_snakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// A world with repeated events of a key (a user viewing a product again in a later session), 8 weeks; large enough
    /// that two seeds of it differ by well under the fidelity tolerances (the top 1 % is 100 products: docs/fitting.md).
    /// </summary>
    private const string World = """
        seed = 21
        [time]
        start = 2024-01-01T00:00:00Z
        end = 2024-02-26T00:00:00Z
        [catalog]
        count = 10000
        [users]
        count = 3000
        [behaviour]
        ground_truth = false
        """;

    /// <summary>
    /// push writes each key's later event times into its feedback's comment (docs/gorse.md), so the log fit reads back
    /// from the server, from its feedback export and from the folder itself is one and the same, repeated events and
    /// all, and the fitted configs are the same file.
    /// </summary>
    [Fact]
    public async Task Fit_on_the_gorse_push_loaded_gives_the_config_of_fit_on_the_folder()
    {
        using var temp = new TempDirectory("gorse-fit");
        var (config, folder) = await GenerateWorldAsync(temp);
        await using var server = await GorseTestServer.StartAsync(apiKey: "s3cret");
        string keyFile = temp.File("key");
        File.WriteAllText(keyFile, "s3cret\n");
        var push = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--api-key-file", keyFile, "--quiet");
        Assert.True(push.ExitCode == 0, push.ToString());

        var gorse = await Tool.RunAsync("fit", "--gorse-url", server.Endpoint.ToString(), "--api-key-file", keyFile, "-o", temp.File("gorse.toml"), "--json", "--quiet");
        var own = await Tool.RunAsync("fit", folder, "-o", temp.File("folder.toml"), "--json", "--quiet");
        string exported = temp.Sub("export");
        Assert.Equal(0, (await Tool.RunAsync("export", folder, "--format", "gorse-jsonl", "-o", exported)).ExitCode);
        var jsonl = await Tool.RunAsync("fit", Path.Combine(exported, "feedback.jsonl"), "--layout", "gorse-jsonl", "-o", temp.File("export.toml"), "--json", "--quiet");

        Assert.True(gorse.ExitCode == 0, gorse.ToString());
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        Assert.Contains(server.Requests, r => r.Path == "/api/feedback" && r.Method == "GET");
        var viaGorse = JsonNode.Parse(gorse.StdOut)!["real"]!;
        var viaFolder = JsonNode.Parse(own.StdOut)!["real"]!;
        Assert.True(JsonNode.DeepEquals(viaFolder, viaGorse), $"folder:\n{viaFolder}\ngorse:\n{viaGorse}");
        Assert.True(JsonNode.DeepEquals(viaGorse, JsonNode.Parse(jsonl.StdOut)!["real"]), "the export and the server differ");
        Assert.False(viaGorse["keyed"]!.GetValue<bool>());
        Assert.True(viaGorse["repeat_share"]!.GetValue<double>() > 0.05, $"a world with repeated keys: {viaGorse["repeat_share"]}");
        Assert.Equal(Settings(temp.File("folder.toml")), Settings(temp.File("gorse.toml")));
        Assert.Equal(Settings(temp.File("folder.toml")), Settings(temp.File("export.toml")));
    }

    /// <summary>
    /// A Gorse whose rows stack a key's events at one time (its feedback written by another tool than RecSynth) is
    /// read as Gorse holds it: keyed, and exactly what a fit's calibration measures of the same world when it measures
    /// it the way Gorse would hold it (docs/fitting.md).
    /// </summary>
    [Fact]
    public async Task A_gorse_without_event_times_is_read_keyed_as_the_calibration_measures_it()
    {
        using var temp = new TempDirectory("gorse-fit-keyed");
        var (config, folder) = await GenerateWorldAsync(temp);
        await using var server = await GorseTestServer.StartAsync();
        await PushWithoutEventTimesAsync(folder, server);

        var fit = await Tool.RunAsync("fit", "--gorse-url", server.Endpoint.ToString(), "-o", temp.File("gorse.toml"), "--json", "--quiet");

        Assert.True(fit.ExitCode == 0, fit.ToString());
        var viaGorse = JsonNode.Parse(fit.StdOut)!["real"]!;
        var measured = WorldFit.Measure(ConfigFile.Load(config), 2, keyed: true, cancellationToken: TestContext.Current.CancellationToken);
        var keyed = JsonNode.Parse(JsonSerializer.Serialize(measured, s_snakeCase))!;
        Assert.True(JsonNode.DeepEquals(keyed, viaGorse), $"calibration's keyed measure:\n{keyed}\nread from gorse:\n{viaGorse}");
        Assert.True(viaGorse["keyed"]!.GetValue<bool>());
        Assert.True(viaGorse["sessions"]!.GetValue<long>() > 0);
    }

    /// <summary>
    /// The world fitted to a Gorse that holds the folder's feedback without the later events' times has the shape of
    /// the folder's own log: every statistic within its tolerance but the repeat share, which such a Gorse cannot hold.
    /// </summary>
    [Fact]
    public async Task The_world_fitted_to_a_gorse_without_event_times_has_the_shape_of_the_folder_it_was_loaded_from()
    {
        using var temp = new TempDirectory("gorse-fit-shape");
        var (_, folder) = await GenerateWorldAsync(temp);
        string fitted = temp.File("gorse.toml"), synthetic = temp.Sub("synthetic");
        await using var server = await GorseTestServer.StartAsync();
        await PushWithoutEventTimesAsync(folder, server);

        var fit = await Tool.RunAsync("fit", "--gorse-url", server.Endpoint.ToString(), "-o", fitted, "--seed", "5", "--quiet");
        Assert.True(fit.ExitCode == 0, fit.ToString());
        Assert.Equal(0, (await Tool.RunAsync("generate", "-c", fitted, "-o", synthetic, "--quiet")).ExitCode);
        var fidelity = await Tool.RunAsync("fidelity", folder, synthetic, "--json", "--quiet");

        Assert.True(fidelity.ExitCode == 0, fidelity.ToString());
        var statistics = JsonNode.Parse(fidelity.StdOut)!["statistics"]!.AsObject();
        var far = statistics.Where(s => s.Key != "repeat_share" && !s.Value!["close"]!.GetValue<bool>()).Select(s => $"{s.Key}: {s.Value}").ToList();
        Assert.True(far.Count == 0, string.Join("\n", far));
        Assert.True(JsonNode.Parse(fidelity.StdOut)!["score"]!.GetValue<double>() >= 90, fidelity.StdOut);
    }

    /// <summary>Writes <see cref="World"/>'s config and generates it: the config's path and the dataset folder.</summary>
    private static async Task<(string Config, string Folder)> GenerateWorldAsync(TempDirectory temp)
    {
        string config = temp.File("world.toml"), folder = temp.Sub("data");
        File.WriteAllText(config, World);
        Assert.Equal(0, (await Tool.RunAsync("generate", "-c", config, "-o", folder, "--quiet")).ExitCode);
        return (config, folder);
    }

    /// <summary>
    /// Pushes the folder, then overwrites every feedback with its comment cut to the recommendation types: the
    /// server then holds what any Gorse holds, a key's events stacked at its first time.
    /// </summary>
    private static async Task PushWithoutEventTimesAsync(string folder, GorseTestServer server)
    {
        Assert.Equal(0, (await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--quiet")).ExitCode);
        using var client = new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint });
        var rows = new List<GorseFeedback>();
        await foreach (var row in client.ReadAllFeedbackAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        Assert.Contains(rows, r => r.Value > 1 && r.Comment.Contains(';', StringComparison.Ordinal));
        await client.PutFeedbackAsync([.. rows.Select(r => r with { Comment = r.Comment.Split(';')[0] })], TestContext.Current.CancellationToken);
    }

    /// <summary>The lines of a config that set something: every line but comments and blank ones.</summary>
    private static List<string> Settings(string path) =>
        [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [Fact]
    public async Task A_feedback_export_with_a_broken_line_is_refused_naming_the_line()
    {
        using var temp = new TempDirectory("gorse-fit-jsonl");
        string file = temp.File("feedback.jsonl"), output = temp.File("fitted.toml");
        File.WriteAllLines(file,
        [
            """{"FeedbackType":"view","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2024-03-04T10:00:00Z"}""",
            """{"FeedbackType":"like","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2024-03-04T10:01:00Z"}""",
            """{"FeedbackType":"purchase","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"not a time"}""",
        ]);

        var result = await Tool.RunAsync("fit", file, "--layout", "gorse-jsonl", "-o", output, "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("feedback.jsonl line 3", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Feedback_without_a_time_is_skipped_and_counted()
    {
        using var temp = new TempDirectory("gorse-fit-notime");
        string file = temp.File("feedback.jsonl"), output = temp.File("fitted.toml");
        File.WriteAllLines(file,
        [
            """{"FeedbackType":"view","UserId":"u1","ItemId":"i1","Value":2,"Timestamp":"2024-03-04T10:00:00Z"}""",
            """{"FeedbackType":"like","UserId":"u1","ItemId":"i1","Value":1,"Timestamp":"2024-03-04T10:01:00Z"}""",
            """{"FeedbackType":"purchase","UserId":"u2","ItemId":"i2","Value":1,"Timestamp":"2024-03-05T08:00:00Z"}""",
            """{"FeedbackType":"view","UserId":"u3","ItemId":"i2","Value":1,"Timestamp":"0001-01-01T00:00:00Z"}""",
        ]);

        var result = await Tool.RunAsync("fidelity", file, file, "--layout", "gorse-jsonl", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.ToString());
        var real = JsonNode.Parse(result.StdOut)!["real"]!;
        Assert.Equal(4, real["events"]!.GetValue<long>()); // 2 + 1 + 1: the row of year 1 is left out
        Assert.Equal(2, real["users"]!.GetValue<long>());
        Assert.Equal(2, real["views"]!.GetValue<long>());
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), real["first_event"]!.GetValue<long>());

        var fit = await Tool.RunAsync("fit", file, "--layout", "gorse-jsonl", "-o", output, "--quiet", "--calibration-users", "100");
        Assert.True(fit.ExitCode == 0, fit.ToString());
        Assert.Contains("(no timestamp) 1", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero), RecSynth.Files.Config.ConfigFile.Load(output).Time.Start);
    }

    [Fact]
    public async Task A_gorse_that_refuses_the_key_stops_the_fit_and_nothing_is_written()
    {
        using var temp = new TempDirectory("gorse-fit-key");
        await using var server = await GorseTestServer.StartAsync(apiKey: "right");
        string keyFile = temp.File("key");
        File.WriteAllText(keyFile, "wrong");
        string output = temp.File("fitted.toml");

        var result = await Tool.RunAsync("fit", "--gorse-url", server.Endpoint.ToString(), "--api-key-file", keyFile, "-o", output, "--quiet");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}

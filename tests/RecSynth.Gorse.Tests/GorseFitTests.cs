using System.Text.Json;
using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary><c>recsynth fit --gorse-url</c> against the test server loaded by <c>push</c>, beside <c>fit</c> on the folder itself.</summary>
public sealed class GorseFitTests(SmallDataset dataset)
{
    /// <summary>
    /// Gorse keeps one row per (type, user, product): a dataset's repeated events of a key reach it as one row whose
    /// Value counts them, at the first one's time, so their later times are gone. The counts come back exactly; for
    /// the whole config to come back, the folder here keeps only the first event of each key (what Gorse can hold).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fit_from_gorse_reads_what_push_loaded_and_gives_the_folders_config(bool firstEventPerKey)
    {
        using var temp = new TempDirectory("gorse-fit");
        string folder = dataset.CopyTo(temp);
        if (firstEventPerKey)
        {
            string interactions = Path.Combine(folder, "interactions.csv");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var lines = File.ReadAllLines(interactions);
            File.WriteAllLines(interactions, [lines[0], .. lines.Skip(1).Where(l => seen.Add(string.Join(',', l.Split(',').Take(3))))]);
            Assert.True(seen.Count < lines.Length - 1, "the dataset has no repeated key: the test proves nothing");
        }

        await using var server = await GorseTestServer.StartAsync(apiKey: "s3cret");
        string keyFile = temp.File("key");
        File.WriteAllText(keyFile, "s3cret\n");
        var push = await Tool.RunAsync("push", folder, "--url", server.Endpoint.ToString(), "--api-key-file", keyFile, "--quiet");
        Assert.True(push.ExitCode == 0, push.ToString());

        string fromGorse = temp.File("gorse.toml"), fromFolder = temp.File("folder.toml");
        var gorse = await Tool.RunAsync("fit", "--gorse-url", server.Endpoint.ToString(), "--api-key-file", keyFile, "-o", fromGorse, "--json", "--quiet");
        var local = await Tool.RunAsync("fit", folder, "-o", fromFolder, "--json", "--quiet");

        Assert.True(gorse.ExitCode == 0, gorse.ToString());
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Contains(server.Requests, r => r.Path == "/api/feedback" && r.Method == "GET");
        using var a = JsonDocument.Parse(gorse.StdOut);
        using var b = JsonDocument.Parse(local.StdOut);
        var viaGorse = a.RootElement.GetProperty("real");
        var viaFolder = b.RootElement.GetProperty("real");
        // push writes one row per (type, user, product) with Value = its number of events and the first one's time:
        // every count, the event mix, the popularity curve and the arrivals come back exactly.
        foreach (string key in new[] { "events", "users", "items", "views", "likes", "purchases", "first_event", "top1_share", "top10_share", "gini", "user_arrivals", "item_arrivals" })
        {
            Assert.True(viaGorse.GetProperty(key).GetRawText() == viaFolder.GetProperty(key).GetRawText(), $"{key}: gorse {viaGorse.GetProperty(key).GetRawText()}, folder {viaFolder.GetProperty(key).GetRawText()}");
        }

        // Gorse's feedback export holds the same rows as the server: the same profile and config.
        string exported = temp.Sub("export"), fromExport = temp.File("export.toml");
        Assert.Equal(0, (await Tool.RunAsync("export", folder, "--format", "gorse-jsonl", "-o", exported)).ExitCode);
        var jsonl = await Tool.RunAsync("fit", Path.Combine(exported, "feedback.jsonl"), "--layout", "gorse-jsonl", "-o", fromExport, "--json", "--quiet");
        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        using var c = JsonDocument.Parse(jsonl.StdOut);
        Assert.Equal(viaGorse.GetRawText(), c.RootElement.GetProperty("real").GetRawText());
        static string[] Settings(string file) => [.. File.ReadAllLines(file).Where(l => !l.StartsWith('#'))];
        Assert.Equal(Settings(fromGorse), Settings(fromExport));

        if (firstEventPerKey)
        {
            // The same log, so the same profile and, calibrated with the same seed, the same config, knob by knob.
            Assert.Equal(viaFolder.GetRawText(), viaGorse.GetRawText());
            Assert.Equal(Settings(fromFolder), Settings(fromGorse));
        }
    }

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

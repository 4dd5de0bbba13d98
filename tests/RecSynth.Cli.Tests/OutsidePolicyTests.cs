using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RecSynth.Testing;

namespace RecSynth.Cli.Tests;

/// <summary>
/// <c>simulate</c> and <c>compare</c> with a policy outside RecSynth (docs/outside-policies.md), over exec and HTTP: the
/// reference Python policy from examples/, and small policies written here, started by /usr/bin/python3 (these tests
/// skip without it on a developer machine and fail without it when CI=true).
/// </summary>
public sealed class OutsidePolicyTests
{
    private static readonly string[] s_small = ["--products", "1200", "--users", "300", "--days", "28"];

    private static string Thompson => Path.Combine(Repository.Root, "examples", "python-thompson", "thompson.py");

    /// <summary>A policy that serves one arm with propensity 1 (exec, standard library only).</summary>
    private const string FixedArm = """
        import json, sys
        arm = sys.argv[1]
        for line in sys.stdin:
            m = json.loads(line)
            t = m["type"]
            if t == "hello":
                out = {"name": "always-" + arm}
            elif t == "choose":
                out = {"choices": [{"session_id": s["session_id"], "arm": arm, "propensity": 1} for s in m["sessions"]]}
            else:
                out = {}
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
        """;

    private static string Script(TempDirectory temp, string name, string text)
    {
        string path = Path.Combine(temp.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task An_outside_policy_that_always_serves_image_writes_image_sessions_of_propensity_1_and_the_metrics_of_fixed_image_under_the_delay()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-fixed");
        string script = Script(temp, "fixed.py", FixedArm);

        var outside = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"exec:{Python.Interpreter} {script} image", "-o", temp.Sub("outside"), "--quiet"]);
        var builtin = await Cli.RunAsync(["simulate", .. s_small, "--policy", "fixed:image", "--step", "day", "-o", temp.Sub("builtin"), "--quiet"]);

        Assert.True(outside.ExitCode == 0, outside.ToString());
        Assert.True(builtin.ExitCode == 0, builtin.ToString());
        var sessions = Datasets.CsvFields(Path.Combine(temp.Sub("outside"), "sessions.csv"));
        int arm = Array.IndexOf(sessions[0], "Arm"), propensity = Array.IndexOf(sessions[0], "Propensity"), policy = Array.IndexOf(sessions[0], "Policy");
        Assert.True(sessions.Length > 100);
        Assert.All(sessions.Skip(1), s => Assert.Equal(("image", "1", "always-image"), (s[arm], s[propensity], s[policy])));
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Sub("builtin"), "metrics.csv")), File.ReadAllBytes(Path.Combine(temp.Sub("outside"), "metrics.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Sub("builtin"), "interactions.csv")), File.ReadAllBytes(Path.Combine(temp.Sub("outside"), "interactions.csv")));
    }

    [Fact]
    public async Task The_reference_Thompson_policy_gives_the_same_bytes_over_exec_and_http_and_on_any_number_of_threads()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-thompson");
        string exec = $"exec:{Python.Interpreter} {Thompson}";
        var one = await Cli.RunAsync(["simulate", .. s_small, "--policy", exec, "--threads", "1", "-o", temp.Sub("one"), "--quiet"]);
        var eight = await Cli.RunAsync(["simulate", .. s_small, "--policy", exec, "--threads", "8", "-o", temp.Sub("eight"), "--quiet"]);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(eight.ExitCode == 0, eight.ToString());

        int port = FreePort();
        using var server = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Python.Interpreter)
        {
            ArgumentList = { Thompson, "--http", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1" },
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        try
        {
            await WaitForPort(port);
            var http = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"http://127.0.0.1:{port}/policy", "--threads", "2", "-o", temp.Sub("http"), "--quiet"]);
            Assert.True(http.ExitCode == 0, http.ToString());
            foreach (string file in (string[])["sessions.csv", "interactions.csv", "ground_truth.csv", "metrics.csv"])
            {
                byte[] expected = File.ReadAllBytes(Path.Combine(temp.Sub("one"), file));
                Assert.Equal(expected, File.ReadAllBytes(Path.Combine(temp.Sub("eight"), file)));
                Assert.Equal(expected, File.ReadAllBytes(Path.Combine(temp.Sub("http"), file)));
            }

            var sessions = Datasets.CsvFields(Path.Combine(temp.Sub("http"), "sessions.csv"));
            Assert.All(sessions.Skip(1), s => Assert.Equal("python-thompson", s[Array.IndexOf(sessions[0], "Policy")]));
            Assert.Contains(sessions.Skip(1), s => s[Array.IndexOf(sessions[0], "Propensity")] != "1");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The C# example policy (examples/csharp-policy), built with the solution in this test's configuration.</summary>
    private static string CSharpExample
    {
        get
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Name; // artifacts/bin/<project>/<configuration>/
            string program = Path.Combine(Repository.Root, "artifacts", "bin", "RecSynth.Examples.OutsidePolicy", configuration, "RecSynth.Examples.OutsidePolicy");
            Assert.True(File.Exists(program), $"the C# example policy is not built: {program}");
            return program;
        }
    }

    [Fact]
    public async Task The_CSharp_example_policy_runs_over_exec_and_gives_the_same_bytes_on_any_number_of_threads()
    {
        using var temp = new TempDirectory("outside-csharp");
        var one = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"exec:{CSharpExample} thompson", "--arms", "blend", "--threads", "1", "-o", temp.Sub("one"), "--quiet"]);
        var two = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"exec:{CSharpExample} thompson", "--arms", "blend", "--threads", "2", "-o", temp.Sub("two"), "--quiet"]);

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(two.ExitCode == 0, two.ToString());
        foreach (string file in (string[])["sessions.csv", "interactions.csv", "metrics.csv"])
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Sub("one"), file)), File.ReadAllBytes(Path.Combine(temp.Sub("two"), file)));
        }

        var sessions = Datasets.CsvFields(Path.Combine(temp.Sub("one"), "sessions.csv"));
        int policy = Array.IndexOf(sessions[0], "Policy"), arm = Array.IndexOf(sessions[0], "Arm");
        Assert.All(sessions.Skip(1), s => Assert.Equal("csharp-thompson", s[policy]));
        Assert.Equal(["0.25", "0.5", "0.75", "cf", "image"], sessions.Skip(1).Select(s => s[arm]).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// An outside recommender (slate mode) written for the test: it loads the catalogue from hello's dataset folder,
    /// answers each session with the most popular products listed by then (as cf) and, after the user's first like,
    /// products of that product's subcategory (as image), interleaved; it logs every slate it answered.
    /// </summary>
    private const string Recommender = """
        import csv, json, os, sys
        log = open(sys.argv[1], "w")
        items, last_like = [], {}
        for line in sys.stdin:
            m = json.loads(line)
            t = m["type"]
            if t == "hello":
                assert m["mode"] == "slate", m["mode"]
                with open(os.path.join(m["dataset"], "products.csv"), newline="") as f:
                    items = [(r["item_id"], r["subcategory"], r["listed_at"], float(r["popularity"])) for r in csv.DictReader(f)]
                items.sort(key=lambda r: -r[3])
                out = {"name": "test-recommender"}
            elif t == "choose":
                slates = []
                for s in m["sessions"]:
                    listed = [r for r in items if r[2] <= s["time"]]
                    popular = [r[0] for r in listed[:40]]
                    liked = last_like.get(s["user_id"])
                    similar = [r[0] for r in listed if liked is not None and r[1] == liked[1] and r[0] != liked[0]][:20]
                    k = int(s["session_id"]) % 7
                    cf = popular[k:k + 10]
                    image = [i for i in similar if i not in cf][:int(s["session_id"]) % 5]
                    chosen = [(i, "image") for i in image] + [(i, "cf") for i in cf]
                    chosen = chosen[:m.get("slate_size", 10)] if "slate_size" in m else chosen[:10]
                    slate = {"session_id": s["session_id"], "items": [{"item_id": i, "source": src} for i, src in chosen]}
                    slates.append(slate)
                    log.write(json.dumps(slate) + "\n")
                out = {"slates": slates}
            elif t == "outcomes":
                by_id = {r[0]: r for r in items}
                for o in m["outcomes"]:
                    for e in o["events"]:
                        if e["type"] == "like":
                            last_like[o["user_id"]] = by_id[e["item_id"]]
                out = {}
            else:
                out = {}
                log.close()
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
        """;

    [Fact]
    public async Task An_outside_recommender_serves_its_own_slates_and_is_measured_at_the_blend_it_served()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-slates");
        string script = Script(temp, "recommender.py", Recommender);
        string log = Path.Combine(temp.Path, "slates.jsonl");
        string folder = temp.Sub("out");

        var result = await Cli.RunAsync(["simulate", "--products", "1200", "--users", "300", "--days", "21", "--recommender", $"exec:{Python.Interpreter} {script} {log}", "-o", folder, "--quiet"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var slates = File.ReadLines(log).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("session_id").GetString()!, e => e.GetProperty("items").EnumerateArray().Select(i => (Item: i.GetProperty("item_id").GetString()!, Source: i.GetProperty("source").GetString()!)).ToArray());
        var interactions = Datasets.CsvFields(Path.Combine(folder, "interactions.csv"));
        string[] head = interactions[0];
        int item = Array.IndexOf(head, "ItemId"), recType = Array.IndexOf(head, "RecType"), session = Array.IndexOf(head, "SessionId"), position = Array.IndexOf(head, "Position");
        Assert.True(interactions.Length > 100, "too few interactions to check");
        Assert.Contains(interactions.Skip(1), r => r[recType] == "image");

        // Every interaction is on the product the recommender put at that position, with the source it gave.
        Assert.All(interactions.Skip(1), r =>
        {
            var served = slates[r[session]][int.Parse(r[position], CultureInfo.InvariantCulture) - 1];
            Assert.Equal((served.Item, served.Source), (r[item], r[recType]));
        });

        // Each session records the blend it was served (the share of image products) and the slate's length.
        var sessions = Datasets.CsvFields(Path.Combine(folder, "sessions.csv"));
        int id = Array.IndexOf(sessions[0], "SessionId"), arm = Array.IndexOf(sessions[0], "Arm"), size = Array.IndexOf(sessions[0], "SlateSize"), policy = Array.IndexOf(sessions[0], "Policy");
        Assert.Equal(slates.Count, sessions.Length - 1);
        Assert.All(sessions.Skip(1), s =>
        {
            var slate = slates[s[id]];
            double share = slate.Count(i => i.Source == "image") / (double)slate.Length;
            Assert.Equal(share, s[arm] == "cf" ? 0 : s[arm] == "image" ? 1 : double.Parse(s[arm], CultureInfo.InvariantCulture), 6);
            Assert.Equal(slate.Length.ToString(CultureInfo.InvariantCulture), s[size]);
            Assert.Equal("test-recommender", s[policy]);
        });

        // Measured against the ground truth as any policy is: regret over the blend levels, never falling.
        var metrics = Datasets.CsvFields(Path.Combine(folder, "metrics.csv"));
        double[] regret = [.. metrics.Skip(1).Select(d => double.Parse(d[Array.IndexOf(metrics[0], "CumulativeRegret")], CultureInfo.InvariantCulture))];
        Assert.Equal(21, regret.Length);
        Assert.True(regret[^1] > 0 && regret.Zip(regret.Skip(1)).All(p => p.Second >= p.First), "regret must be positive and never fall");
        Assert.Contains("ShareBlend25", metrics[0]);
    }

    [Fact]
    public async Task Compare_runs_an_outside_policy_beside_built_in_ones_under_the_same_delay_and_names_it_by_its_hello()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-compare");
        string script = Script(temp, "fixed.py", FixedArm);
        var result = await Cli.RunAsync(["compare", .. s_small, "--policies", $"fixed:image,exec:{Python.Interpreter} {script} image", "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["fixed:image", "always-image"], rows.Select(r => r.GetProperty("policy").GetString()));

        // The same arm under the same delay on the same users and streams: the same run, so no difference at all.
        Assert.Equal(0, rows[1].GetProperty("reward_difference").GetProperty("mean").GetDouble());
        Assert.Equal(0, rows[1].GetProperty("regret_difference").GetProperty("mean").GetDouble());
    }

    [Theory]
    [InlineData("unknown-arm", """{"choices":[{"session_id":S,"arm":"0.3","propensity":0.5} for s in m["sessions"]]}""", "arm \"0.3\" is not one of cf, image")]
    [InlineData("propensity-0", """{"choices":[{"session_id":S,"arm":"cf","propensity":0} for s in m["sessions"]]}""", "propensity")]
    [InlineData("propensity-1.5", """{"choices":[{"session_id":S,"arm":"cf","propensity":1.5} for s in m["sessions"]]}""", "propensity")]
    [InlineData("missing-session", """{"choices":[{"session_id":S,"arm":"cf","propensity":1} for s in m["sessions"][1:]]}""", "session")]
    [InlineData("duplicated-session", """{"choices":[{"session_id":S,"arm":"cf","propensity":1} for s in m["sessions"] + m["sessions"][:1]]}""", "session")]
    [InlineData("error", """{"error":"the model is not loaded"}""", "the model is not loaded")]
    [InlineData("malformed", """0 if sys.stdout.write("{not json\\n") else 0""", "JSON")]
    [InlineData("crash", """sys.exit(3) if m["step"] >= 2 else {"choices":[{"session_id":S,"arm":"cf","propensity":1} for s in m["sessions"]]}""", "exited with code 3 before answering choose; the last step completed was")]
    public async Task A_policy_that_breaks_the_rules_stops_the_run_with_exit_1_naming_the_step_and_leaves_the_folder_as_it_was(string name, string answer, string expected)
    {
        Python.Require();
        using var temp = new TempDirectory("outside-broken");
        string script = Script(temp, name + ".py", $$"""
            import json, sys
            for line in sys.stdin:
                m = json.loads(line)
                if m["type"] == "hello":
                    out = {"name": "broken"}
                elif m["type"] == "choose" and m["sessions"]:
                    out = {{answer.Replace("S", "s[\"session_id\"]", StringComparison.Ordinal)}}
                elif m["type"] == "choose":
                    out = {"choices": []}
                else:
                    out = {}
                sys.stdout.write(json.dumps(out) + "\n")
                sys.stdout.flush()
            """);
        string folder = temp.Sub("out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "mine");

        var result = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"exec:{Python.Interpreter} {script}", "-o", folder, "--force", "--quiet"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        Assert.Matches(@"step \d+", result.StdErr);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_child_that_never_answers_is_ended_after_the_policy_timeout_and_the_run_exits_1()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-hang");
        string pidFile = Path.Combine(temp.Path, "pid");
        string script = Script(temp, "hang.py", $$"""
            {{WritesPid(pidFile)}}
            for line in sys.stdin:
                m = json.loads(line)
                if m["type"] == "hello":
                    sys.stdout.write(json.dumps({"name": "hang"}) + "\n")
                    sys.stdout.flush()
                else:
                    time.sleep(600)
            """);
        string folder = temp.Sub("out");

        var result = await Cli.RunAsync(["simulate", .. s_small, "--policy", $"exec:{Python.Interpreter} {script}", "--policy-timeout", "2", "-o", folder, "--quiet"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"step \d+", result.StdErr);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "the output folder was written");
        AssertEnded(pidFile);
    }

    [Fact]
    public async Task Cancelling_a_run_ends_the_child_and_exits_130()
    {
        Python.Require();
        using var temp = new TempDirectory("outside-cancel");
        string pidFile = Path.Combine(temp.Path, "pid");
        string script = Script(temp, "slow.py", $$"""
            {{WritesPid(pidFile)}}
            for line in sys.stdin:
                m = json.loads(line)
                if m["type"] == "hello":
                    out = {"name": "slow"}
                elif m["type"] == "choose":
                    time.sleep(0.2)
                    out = {"choices": [{"session_id": s["session_id"], "arm": "cf", "propensity": 1} for s in m["sessions"]]}
                else:
                    out = {}
                sys.stdout.write(json.dumps(out) + "\n")
                sys.stdout.flush()
            """);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(3));
        string folder = temp.Sub("out");

        var result = await Cli.RunUntilAsync(cancel.Token, ["simulate", .. s_small, "--policy", $"exec:{Python.Interpreter} {script}", "-o", folder, "--quiet"]);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "the output folder was written");
        AssertEnded(pidFile);
    }

    /// <summary>A Python script's first line: its imports, and its process id written to <paramref name="pidFile"/>.</summary>
    private static string WritesPid(string pidFile) =>
        $"import json, os, sys, time; open({System.Text.Json.JsonSerializer.Serialize(pidFile)}, \"w\").write(str(os.getpid()))";

    /// <summary>The child whose id a script wrote to <paramref name="pidFile"/> is gone.</summary>
    private static void AssertEnded(string pidFile)
    {
        int pid = int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
        Assert.True(Exited(pid), $"the child {pid} is still running");
    }

    /// <summary>Whether the process is gone (waiting a little for it to be reaped).</summary>
    private static bool Exited(int pid)
    {
        for (int i = 0; i < 50; i++)
        {
            if (!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z")
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPort(int port)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.Fail($"nothing listens on 127.0.0.1:{port}");
    }
}

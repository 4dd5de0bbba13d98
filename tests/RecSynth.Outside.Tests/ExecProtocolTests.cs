using System.Text.Json;
using RecSynth.Behaviour;
using RecSynth.Files;
using RecSynth.Outside.Tests.Support;
using RecSynth.Simulation;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests;

/// <summary>
/// A correct policy over exec: the messages it reads are the protocol's to the letter (fields, types, order), a step is
/// split into batches, and its answers come back as the choices.
/// </summary>
public sealed class ExecProtocolTests
{
    private static readonly string[] s_userFields =
        ["age_group", "primary_style", "price_sensitivity", "sustainability_focus", "style_preferences", "signed_up_at", "sessions_before"];

    [Fact]
    public void A_run_sends_hello_choose_outcomes_end_in_the_protocols_words()
    {
        using var folder = new TempDirectory("outside");
        string log = folder.File("messages.jsonl");
        var stderr = new StringWriter();
        string dataset = folder.Sub("data");
        Directory.CreateDirectory(dataset);
        var sessions = SmallWorld.Sessions(SmallWorld.Step(0), 4);
        var (records, interactions) = SmallWorld.Ran(sessions);
        var choices = new StepChoice[sessions.Length];
        using (var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, log, "good"), Children.Options(stderr)))
        {
            Assert.Equal("py-good", policy.Begin(SmallWorld.Run(dataset: dataset)));
            policy.Choose(SmallWorld.Step(0), sessions, choices);
            policy.Outcomes(SmallWorld.Step(0), records, interactions);
            policy.End();
        }

        // The child's answers: arm (session number % arms), propensity 1/5.
        for (int i = 0; i < sessions.Length; i++)
        {
            Assert.Equal(SmallWorld.Arms[(int)(sessions[i].SessionId % 10_000_000 % 5)], choices[i].Arm);
            Assert.Equal(0.2, choices[i].Propensity);
            Assert.True(choices[i].Slate.IsDefault);
        }

        Assert.Contains("policy good started", stderr.ToString(), StringComparison.Ordinal);
        string[] lines = File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        Assert.Equal(
            $$"""{"type":"hello","protocol":1,"request_id":"hello","mode":"arm","arms":["cf","0.25","0.5","0.75","image"],"slate_size":10,"step":"day","start":"2023-01-01T00:00:00Z","end":"2023-01-15T00:00:00Z","seed":42,"dataset":{{JsonSerializer.Serialize(Path.GetFullPath(dataset))}}}""",
            lines[0]);
        AssertChoose(lines[1], "choose-0-0", 0, sessions);
        Assert.Equal(ExpectedOutcomes, lines[2]);
        Assert.Equal("""{"type":"end","request_id":"end"}""", lines[3]);
    }

    /// <summary>The outcomes of <see cref="SmallWorld.Ran"/>'s four sessions, as the protocol spells them.</summary>
    private const string ExpectedOutcomes =
        """{"type":"outcomes","request_id":"outcomes-0-0","step":0,"outcomes":[""" +
        """{"session_id":"10000001","user_id":"U000000","arm":"cf","reward":0,"views":0,"likes":0,"purchases":0,"events":[]},""" +
        """{"session_id":"20000001","user_id":"U000001","arm":"0.25","reward":0,"views":1,"likes":0,"purchases":0,"events":[""" +
        """{"type":"view","item_id":"item_7","position":1,"source":"cf","time":"2023-01-01T02:00:10Z"}]},""" +
        """{"session_id":"30000001","user_id":"U000002","arm":"0.5","reward":1,"views":2,"likes":1,"purchases":0,"events":[""" +
        """{"type":"view","item_id":"item_14","position":1,"source":"cf","time":"2023-01-01T03:00:10Z"},""" +
        """{"type":"like","item_id":"item_14","position":1,"source":"cf","time":"2023-01-01T03:00:15Z"},""" +
        """{"type":"view","item_id":"item_15","position":2,"source":"image","time":"2023-01-01T03:00:20Z"}]},""" +
        """{"session_id":"40000001","user_id":"U000003","arm":"0.75","reward":0,"views":0,"likes":0,"purchases":0,"events":[]}]}""";

    [Fact]
    public void A_step_larger_than_the_batch_is_sent_in_batches_all_choose_before_any_outcomes()
    {
        using var folder = new TempDirectory("outside");
        string log = folder.File("messages.jsonl");
        var sessions = SmallWorld.Sessions(SmallWorld.Step(3), 5);
        var (records, interactions) = SmallWorld.Ran(sessions);
        var choices = new StepChoice[sessions.Length];
        using (var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, log, "good"), Children.Options() with { Batch = 2 }))
        {
            policy.Begin(SmallWorld.Run());
            policy.Choose(SmallWorld.Step(3), sessions, choices);
            policy.Outcomes(SmallWorld.Step(3), records, interactions);
            policy.Choose(SmallWorld.Step(4), [], []);
            policy.Outcomes(SmallWorld.Step(4), [], []);
            policy.End();
        }

        var messages = File.ReadAllLines(log).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(
            ["hello", "choose-3-0", "choose-3-1", "choose-3-2", "outcomes-3-0", "outcomes-3-1", "outcomes-3-2", "choose-4-0", "outcomes-4-0", "end"],
            messages.Select(m => m.GetProperty("request_id").GetString()));
        Assert.Equal([2, 2, 1], messages[1..4].Select(m => m.GetProperty("sessions").GetArrayLength()));
        Assert.Equal([2, 2, 1], messages[4..7].Select(m => m.GetProperty("outcomes").GetArrayLength()));
        Assert.Equal(sessions.Select(s => s.SessionId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            messages[1..4].SelectMany(m => m.GetProperty("sessions").EnumerateArray()).Select(s => s.GetProperty("session_id").GetString()));
        Assert.Equal(interactions.Length, messages[4..7].SelectMany(m => m.GetProperty("outcomes").EnumerateArray()).Sum(o => o.GetProperty("events").GetArrayLength()));
        Assert.Equal(0, messages[7].GetProperty("sessions").GetArrayLength());
        Assert.Equal(0, messages[8].GetProperty("outcomes").GetArrayLength());
        for (int i = 0; i < sessions.Length; i++)
        {
            Assert.Equal(SmallWorld.Arms[(int)(sessions[i].SessionId % 10_000_000 % 5)], choices[i].Arm);
        }
    }

    [Fact]
    public void A_step_of_ten_thousand_sessions_goes_in_one_message_each_way()
    {
        using var folder = new TempDirectory("outside");
        string log = folder.File("messages.jsonl");
        var step = SmallWorld.Step(6);
        var sessions = Enumerable.Range(0, 10_000).Select(i => new PlannedSession(SmallWorld.SessionId(i % 40, i / 40 + 1), i % 40, step.From + 8 * i, i / 40)).ToArray();
        var (records, interactions) = SmallWorld.Ran(sessions);
        var choices = new StepChoice[sessions.Length];
        using (var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, log, "good"), Children.Options()))
        {
            policy.Begin(SmallWorld.Run());
            policy.Choose(step, sessions, choices);
            policy.Outcomes(step, records, interactions);
            policy.End();
        }

        string[] lines = File.ReadAllLines(log);
        Assert.Equal(["hello", "choose-6-0", "outcomes-6-0", "end"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("request_id").GetString()));
        for (int i = 0; i < sessions.Length; i++)
        {
            Assert.Equal(SmallWorld.Arms[(int)(sessions[i].SessionId % 10_000_000 % 5)], choices[i].Arm);
        }
    }

    [Fact]
    public void Events_are_grouped_by_session_whatever_their_order()
    {
        using var folder = new TempDirectory("outside");
        string log = folder.File("messages.jsonl");
        var sessions = SmallWorld.Sessions(SmallWorld.Step(0), 4);
        var (records, interactions) = SmallWorld.Ran(sessions);
        using (var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, log, "good"), Children.Options()))
        {
            policy.Begin(SmallWorld.Run(dataset: null));
            policy.Outcomes(SmallWorld.Step(0), records, [.. interactions.OrderBy(i => i.Timestamp).ThenByDescending(i => i.SessionId)]);
        }

        string[] lines = File.ReadAllLines(log);
        Assert.EndsWith("\"seed\":42,\"dataset\":null}", lines[0], StringComparison.Ordinal);
        Assert.Equal(ExpectedOutcomes, lines[1]);
    }

    [Fact]
    public void A_slate_policy_gets_its_slates_through()
    {
        using var folder = new TempDirectory("outside");
        var sessions = SmallWorld.Sessions(SmallWorld.Step(2), 3);
        int[] listed = SmallWorld.ListedBy(sessions[0].Time, 3);
        string items = JsonSerializer.Serialize(listed.Select(SimulationWorld.ItemId).ToArray());
        var choices = new StepChoice[sessions.Length];
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "slate-arm", items), Children.Options());
        Assert.Equal("py-slate-arm", policy.Begin(SmallWorld.Run(StepMode.Slate)));
        policy.Choose(SmallWorld.Step(2), sessions, choices);
        Assert.Equal(new Arm(0.5), choices[0].Arm);
        Assert.Equal(0.25, choices[0].Propensity);
        Assert.Null(choices[1].Arm);
        Assert.Equal(1, choices[1].Propensity);
        Assert.All(choices, c => Assert.Equal(listed.Select(i => new SlateEntry(i, RecType.Cf)), c.Slate));
        policy.End();
    }

    [Fact]
    public void Each_user_object_holds_the_observable_columns_of_users_csv()
    {
        using var folder = new TempDirectory("outside");
        string log = folder.File("messages.jsonl");
        var step = SmallWorld.Step(1);
        var sessions = Enumerable.Range(0, 40).Select(u => new PlannedSession(SmallWorld.SessionId(u, 5), u, step.From + 60 * u, u % 7)).ToArray();
        using (var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, log, "good"), Children.Options()))
        {
            policy.Begin(SmallWorld.Run());
            policy.Choose(step, sessions, new StepChoice[sessions.Length]);
        }

        AssertChoose(File.ReadAllLines(log)[1], "choose-1-0", 1, sessions);
    }

    /// <summary>Checks a choose message field by field; each user against its row of users.csv as RecSynth writes it.</summary>
    private static void AssertChoose(string line, string requestId, int stepIndex, PlannedSession[] sessions)
    {
        using var document = JsonDocument.Parse(line);
        var message = document.RootElement;
        Assert.Equal(["type", "request_id", "step", "from", "to", "sessions"], message.EnumerateObject().Select(p => p.Name));
        Assert.Equal("choose", message.GetProperty("type").GetString());
        Assert.Equal(requestId, message.GetProperty("request_id").GetString());
        Assert.Equal(stepIndex, message.GetProperty("step").GetInt32());
        Assert.Equal(SmallWorld.Time(SmallWorld.Step(stepIndex).From), message.GetProperty("from").GetString());
        Assert.Equal(SmallWorld.Time(SmallWorld.Step(stepIndex).To), message.GetProperty("to").GetString());

        var users = s_users.Value;
        var sent = message.GetProperty("sessions").EnumerateArray().ToArray();
        Assert.Equal(sessions.Length, sent.Length);
        for (int i = 0; i < sessions.Length; i++)
        {
            var session = sent[i];
            Assert.Equal(["session_id", "user_id", "time", "user"], session.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, session.GetProperty("session_id").ValueKind);
            Assert.Equal(sessions[i].SessionId.ToString(System.Globalization.CultureInfo.InvariantCulture), session.GetProperty("session_id").GetString());
            var row = users[sessions[i].User];
            Assert.Equal(row.UserId, session.GetProperty("user_id").GetString());
            Assert.Equal(SmallWorld.World.UserId(sessions[i].User), row.UserId);
            Assert.Equal(SmallWorld.Time(sessions[i].Time), session.GetProperty("time").GetString());

            var user = session.GetProperty("user");
            Assert.Equal(s_userFields, user.EnumerateObject().Select(p => p.Name));
            Assert.Equal(row.AgeGroup, user.GetProperty("age_group").GetString());
            Assert.Equal(row.PrimaryStyle, user.GetProperty("primary_style").GetString());
            Assert.Equal(row.PriceSensitivity, user.GetProperty("price_sensitivity").GetString());
            Assert.Equal(row.SustainabilityFocus, user.GetProperty("sustainability_focus").GetString());
            Assert.Equal(JsonValueKind.Object, user.GetProperty("style_preferences").ValueKind);
            using (var preferences = JsonDocument.Parse(row.StylePreferences))
            {
                Assert.True(JsonElement.DeepEquals(preferences.RootElement, user.GetProperty("style_preferences")), row.StylePreferences);
            }

            Assert.Equal(row.SignedUpAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), user.GetProperty("signed_up_at").GetString());
            Assert.Equal(sessions[i].SessionsBefore, user.GetProperty("sessions_before").GetInt32());
        }
    }

    /// <summary>users.csv of the small world, as <c>generate --stage users</c> writes it.</summary>
    private static readonly Lazy<IReadOnlyList<UserRow>> s_users = new(() =>
    {
        using var folder = new TempDirectory("users");
        DatasetGenerator.Generate(SmallWorld.Options, new GenerateOptions { Directory = folder.Path, Stage = DatasetStage.Users, Threads = 2, Force = true });
        return DatasetReader.ReadUsers(folder.Path);
    });
}

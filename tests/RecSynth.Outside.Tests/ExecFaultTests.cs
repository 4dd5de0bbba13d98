using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RecSynth.Outside.Tests.Support;
using RecSynth.Simulation;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests;

/// <summary>
/// Children that break the protocol stop the run with a message that names the step, the session and the field; a
/// child that hangs is timed out, and disposing kills it.
/// </summary>
public sealed class ExecFaultTests
{
    private static readonly PolicyStep s_step = SmallWorld.Step(17);
    private static readonly PlannedSession[] s_sessions = SmallWorld.Sessions(s_step, 3);

    [Theory]
    [InlineData("unknown-arm", "step 17, session 10000018: arm \"0.3\" is not one of cf, 0.25, 0.5, 0.75, image")]
    [InlineData("propensity-0", "step 17, session 10000018: propensity 0 is not in (0, 1]")]
    [InlineData("propensity-1.5", "step 17, session 10000018: propensity 1.5 is not in (0, 1]")]
    [InlineData("propensity-string", "step 17, session 10000018: propensity \"0.2\" is not a number in (0, 1]")]
    [InlineData("no-propensity", "step 17, session 10000018: propensity is missing (the probability of the choice, a number in (0, 1])")]
    [InlineData("missing", "step 17, session 30000018: missing from choices (the answer holds 2 of the request's 3 sessions; it must hold each exactly once)")]
    [InlineData("duplicate", "step 17, session 10000018: answered twice (choices[0] and choices[3])")]
    [InlineData("unknown-session", "step 17, session 999: not a session of this request (choices[0].session_id)")]
    [InlineData("error", "step 17: the policy answered choose with an error: model not loaded")]
    public void A_bad_arm_answer_names_the_step_the_session_and_the_field(string mode, string message)
    {
        var e = RunStep(mode, StepMode.Arm);
        Assert.Equal(message, e.Message);
        Assert.Equal(17, e.Step);
    }

    [Fact]
    public void A_policy_that_breaks_the_rules_stops_the_run()
    {
        using var folder = new TempDirectory("outside");
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "unknown-arm"), Children.Options());
        policy.Begin(SmallWorld.Run());
        Assert.Throws<OutsidePolicyException>(() => policy.Choose(s_step, s_sessions, new StepChoice[s_sessions.Length]));
        var e = Assert.Throws<InvalidOperationException>(() => policy.Choose(s_step, s_sessions, new StepChoice[s_sessions.Length]));
        Assert.Contains("has already stopped the run", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NaN_propensity_is_not_JSON_and_says_so()
    {
        // Python's json writes NaN as a bare word, which JSON has not.
        using var folder = new TempDirectory("outside");
        const string Script = """
            import sys
            for line in sys.stdin:
                if '"hello"' in line:
                    print('{"name":"nan"}', flush=True)
                else:
                    print('{"choices":[{"session_id":"10000018","arm":"cf","propensity":NaN}]}', flush=True)
            """;
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Script), Children.Options());
        policy.Begin(SmallWorld.Run());
        var e = Assert.Throws<OutsidePolicyException>(() => policy.Choose(s_step, s_sessions.AsSpan(0, 1), new StepChoice[1]));
        Assert.StartsWith("step 17: the answer to choose is not JSON (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("\"propensity\":NaN}]}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_JSON_names_the_step_and_quotes_the_line()
    {
        var e = RunStep("malformed", StepMode.Arm);
        Assert.StartsWith("step 17: the answer to choose is not JSON (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("): {\"choices\": [oops", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }

    [Fact]
    public void An_error_answer_to_outcomes_names_the_step_and_the_text()
    {
        using var folder = new TempDirectory("outside");
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "error-outcomes"), Children.Options());
        policy.Begin(SmallWorld.Run());
        var (records, interactions) = SmallWorld.Ran(s_sessions);
        var e = Assert.Throws<OutsidePolicyException>(() => policy.Outcomes(s_step, records, interactions));
        Assert.Equal("step 17: the policy answered outcomes with an error: outcomes refused", e.Message);
    }

    [Fact]
    public void A_hello_answer_without_a_name_is_refused()
    {
        using var folder = new TempDirectory("outside");
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "no-name"), Children.Options());
        var e = Assert.Throws<OutsidePolicyException>(() => policy.Begin(SmallWorld.Run()));
        Assert.Equal("hello: the answer has no name (a non-empty string, e.g. {\"name\":\"my-policy\"}): {}", e.Message);
        Assert.Null(e.Step);
    }

    [Fact]
    public void A_child_that_crashes_is_reported_with_its_exit_code_and_its_stderr_passed_through()
    {
        var stderr = new StringWriter();
        var e = RunStep("crash", StepMode.Arm, stderr);
        Assert.Equal("step 17: the policy exited with code 3 before answering choose; the last step completed was 16", e.Message);
        Assert.Contains("Traceback: boom", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_child_that_never_answers_is_timed_out()
    {
        var watch = Stopwatch.StartNew();
        var e = RunStep("hang", StepMode.Arm, timeout: TimeSpan.FromSeconds(0.5));
        Assert.Equal("step 17: no answer to choose within 0.5 s (the policy time-out); the last step completed was 16", e.Message);
        Assert.Equal(17, e.Step);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Dispose_kills_a_hanging_child()
    {
        using var folder = new TempDirectory("outside");
        string pidFile = folder.File("pid");
        var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "pid", JsonSerializer.Serialize(new[] { pidFile })),
            Children.Options() with { Timeout = TimeSpan.FromSeconds(0.3) });
        policy.Begin(SmallWorld.Run());
        int pid = int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
        Assert.Equal(pid, policy.ProcessId);
        Assert.True(IsRunning(pid));
        Assert.Throws<OutsidePolicyException>(() => policy.Choose(s_step, s_sessions, new StepChoice[s_sessions.Length]));
        Assert.True(IsRunning(pid), "a time-out alone leaves the child to Dispose");
        policy.Dispose();
        Assert.False(IsRunning(pid), $"process {pid} still runs after Dispose");
    }

    [Fact]
    public void Dispose_kills_the_childs_descendants_too()
    {
        using var folder = new TempDirectory("outside");
        string pidFile = folder.File("pid");
        string script = folder.File("policy.sh");
        File.WriteAllText(script, $"sleep 3600 &\necho $! > {Children.Quote(pidFile)}\nwait\n");
        var policy = OutsidePolicy.Open("exec:/bin/sh " + Children.Quote(script), Children.Options());
        int pid = WaitForPid(pidFile);
        Assert.True(IsRunning(pid));
        policy.Dispose();
        Assert.True(Gone(pid), $"the child's child {pid} still runs after Dispose");
    }

    [Fact]
    public void Cancellation_stops_a_wait_for_an_answer()
    {
        using var folder = new TempDirectory("outside");
        using var cancel = new CancellationTokenSource();
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "hang"),
            Children.Options() with { Cancellation = cancel.Token, Timeout = TimeSpan.FromSeconds(30) });
        policy.Begin(SmallWorld.Run());
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => policy.Choose(s_step, s_sessions, new StepChoice[s_sessions.Length]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    private static OutsidePolicyException RunStep(string mode, StepMode stepMode, TextWriter? stderr = null, TimeSpan? timeout = null) =>
        Children.Refusal(SmallWorld.Run(stepMode), s_step, s_sessions, mode, options: Children.Options(stderr) with { Timeout = timeout ?? TimeSpan.FromSeconds(20) });

    /// <summary>Whether a process runs (a zombie, dead but not yet reaped by its parent, does not count).</summary>
    internal static bool IsRunning(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        try
        {
            string text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    /// <summary>Whether a process is gone within 5 s: a killed grandchild dies a moment after the kill, not with it.</summary>
    private static bool Gone(int pid)
    {
        var watch = Stopwatch.StartNew();
        while (IsRunning(pid) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(20);
        }

        return !IsRunning(pid);
    }

    private static int WaitForPid(string file)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out int pid))
            {
                return pid;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"no pid in {file}");
    }
}

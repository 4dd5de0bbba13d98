using System.Diagnostics;
using RecSynth.Outside.Tests.Support;
using RecSynth.Simulation;

namespace RecSynth.Outside.Tests;

/// <summary>
/// The HTTP transport against a server that fails on purpose: transient failures are retried with the same body (the
/// same request_id), anything else stops the run at once with the server's text.
/// </summary>
public sealed class HttpTests
{
    private static readonly PolicyStep s_step = SmallWorld.Step(17);
    private static readonly PlannedSession[] s_sessions = SmallWorld.Sessions(s_step, 3);

    [Fact]
    public void A_whole_run_posts_each_message_to_its_path_as_json()
    {
        using var server = new FaultServer();
        RunSteps(server);
        Assert.Equal(["/v1/policy/hello", "/v1/policy/choose", "/v1/policy/outcomes", "/v1/policy/end"], server.Received.Select(r => r.Path));
        Assert.All(server.Received, r => Assert.Equal("application/json", r.ContentType));
        Assert.Equal(["hello", "choose-17-0", "outcomes-17-0", "end"], server.Received.Select(FaultServer.RequestId));
    }

    [Theory]
    [InlineData(Fault.Status500)]
    [InlineData(Fault.Status503)]
    [InlineData(Fault.Status429)]
    [InlineData(Fault.Drop)]
    [InlineData(Fault.Slow)]
    public void A_transient_failure_is_retried_with_the_same_body(Fault fault)
    {
        using var server = new FaultServer();
        server.Fail("choose", fault, fault);
        var choices = RunSteps(server);
        var chooses = server.To("choose");
        Assert.Equal(3, chooses.Count);
        Assert.All(chooses, r => Assert.Equal(chooses[0].Body, r.Body));
        Assert.Equal("choose-17-0", FaultServer.RequestId(chooses[0]));
        Assert.All(choices, c => Assert.Equal(Behaviour.Arm.Cf, c.Arm));
    }

    [Fact]
    public void A_refusal_stops_the_run_at_once_quoting_the_servers_text()
    {
        using var server = new FaultServer();
        server.Fail("choose", Fault.Status400);
        var e = Assert.Throws<OutsidePolicyException>(() => RunSteps(server));
        Assert.Equal($"step 17: POST {server.Endpoint}/choose answered 400 Bad Request: {FaultServer.BadRequestText}", e.Message);
        Assert.Equal(17, e.Step);
        Assert.Single(server.To("choose"));
    }

    [Fact]
    public void Spent_retries_name_the_step_and_the_last_failure()
    {
        using var server = new FaultServer();
        server.Fail("outcomes", Fault.Status500, Fault.Status500, Fault.Status503);
        var e = Assert.Throws<OutsidePolicyException>(() => RunSteps(server, attempts: 3));
        Assert.Equal($"step 17: POST {server.Endpoint}/outcomes failed 3 times; the last time it answered 503 Service Unavailable: busy", e.Message);
        Assert.Equal(3, server.To("outcomes").Count);
    }

    [Fact]
    public void Spent_retries_after_time_outs_say_so()
    {
        using var server = new FaultServer();
        server.Fail("hello", Fault.Slow, Fault.Slow);
        var e = Assert.Throws<OutsidePolicyException>(() => RunSteps(server, attempts: 2));
        Assert.Equal($"hello: POST {server.Endpoint}/hello failed 2 times; the last time it got no answer within 0.4 s (the policy time-out)", e.Message);
        Assert.Null(e.Step);
    }

    [Fact]
    public void A_service_that_is_not_there_is_named()
    {
        int port;
        using (var server = new FaultServer())
        {
            port = server.Endpoint.Port;
        }

        using var policy = OutsidePolicy.Open($"http://127.0.0.1:{port}/p", Options(attempts: 2));
        var e = Assert.Throws<OutsidePolicyException>(() => policy.Begin(SmallWorld.Run()));
        Assert.StartsWith($"hello: POST http://127.0.0.1:{port}/p/hello failed 2 times; the last time it got no answer: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_error_answer_names_the_step_and_the_text()
    {
        using var server = new FaultServer();
        server.Fail("choose", Fault.ErrorAnswer);
        var e = Assert.Throws<OutsidePolicyException>(() => RunSteps(server));
        Assert.Equal("step 17: the policy answered choose with an error: model not loaded", e.Message);
        Assert.Single(server.To("choose"));
    }

    [Fact]
    public void Cancellation_stops_the_back_off()
    {
        using var server = new FaultServer();
        server.Fail("hello", Enumerable.Repeat(Fault.Status503, 10).ToArray());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var policy = OutsidePolicy.Open(server.Endpoint.AbsoluteUri,
            Options(attempts: 10) with { RetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromSeconds(5), Cancellation = cancel.Token });
        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => policy.Begin(SmallWorld.Run()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    private static StepChoice[] RunSteps(FaultServer server, int attempts = 6)
    {
        var choices = new StepChoice[s_sessions.Length];
        using var policy = OutsidePolicy.Open(server.Endpoint.AbsoluteUri, Options(attempts));
        Assert.Equal("http-policy", policy.Begin(SmallWorld.Run()));
        policy.Choose(s_step, s_sessions, choices);
        var (records, interactions) = SmallWorld.Ran(s_sessions);
        policy.Outcomes(s_step, records, interactions);
        policy.End();
        return choices;
    }

    private static OutsidePolicyOptions Options(int attempts = 6) => new()
    {
        Timeout = TimeSpan.FromSeconds(0.4),
        MaxAttempts = attempts,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        Cancellation = TestContext.Current.CancellationToken,
    };
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using RecSynth.Cli.Tests;

namespace RecSynth.Gorse.Tests;

/// <summary>The test server as a program of its own (docs/gorse.md, "Testing without Gorse"): what `dotnet run` starts.</summary>
public sealed class TestServerHostTests
{
    private const string Program = "RecSynth.Gorse.TestServer";

    [Fact]
    public async Task The_host_listens_on_the_given_port_answers_health_asks_for_its_key_and_stops_on_ctrl_c()
    {
        int port = Ports.Unused();
        string variable = "RECSYNTH_TEST_KEY_" + Guid.NewGuid().ToString("N");
        using var host = ChildProcess.Start(
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--api-key-env", variable], environment: new Dictionary<string, string> { [variable] = "the-key" }, program: Program);
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        using var anonymous = new GorseClient(new GorseClientOptions { Endpoint = endpoint, MaxRetries = 0 });
        using var keyed = new GorseClient(new GorseClientOptions { Endpoint = endpoint, ApiKey = "the-key", MaxRetries = 0 });
        var token = TestContext.Current.CancellationToken;

        GorseHealth? health = null;
        var clock = Stopwatch.StartNew();
        while (health is null && !host.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                health = await anonymous.HealthAsync(token);
            }
            catch (GorseException)
            {
                await Task.Delay(100, token); // still starting
            }
        }

        Assert.True(health is { Ready: true }, $"no ready answer from {endpoint} (exited: {host.HasExited})\n{host.StdErrSoFar}");
        var refused = await Assert.ThrowsAsync<GorseException>(() => anonymous.GetUsersAsync(10, cancellationToken: token));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await keyed.InsertUsersAsync([new GorseUser { UserId = "u1" }], token);
        Assert.Equal("u1", Assert.Single((await keyed.GetUsersAsync(10, cancellationToken: token)).Rows).UserId);

        host.Signal("INT");
        var stopped = host.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains($"listening on {endpoint}", stopped.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_port_is_bad_usage()
    {
        using var host = ChildProcess.Start(["--port", "http"], program: Program);

        var result = host.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--port", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("usage:", result.StdErr, StringComparison.Ordinal);
    }
}

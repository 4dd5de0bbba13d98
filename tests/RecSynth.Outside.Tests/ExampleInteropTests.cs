using System.Diagnostics;
using System.Text.RegularExpressions;
using RecSynth.Outside.Tests.Support;
using RecSynth.Simulation;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests;

/// <summary>
/// The client against an implementation of the protocol written apart from it: examples/python-thompson, over exec and
/// over HTTP. Its answers do not depend on how a step is split into batches, nor on the transport.
/// </summary>
public sealed partial class ExampleInteropTests
{
    private static readonly string s_script = Path.Combine(RepositoryRoot(), "examples", "python-thompson", "thompson.py");

    [Fact]
    public async Task Thompson_runs_over_exec_and_http_with_the_same_answers_however_the_steps_are_split()
    {
        Children.RequirePython();
        var whole = Run("exec:" + Python.Interpreter + " " + Children.Quote(s_script), batch: 10_000);
        var split = Run("exec:" + Python.Interpreter + " " + Children.Quote(s_script), batch: 7);
        Assert.Equal(whole, split);
        Assert.All(whole, c => Assert.InRange(c.Propensity, double.Epsilon, 1));
        Assert.True(whole.Select(c => c.Arm).Distinct().Count() > 1, "Thompson sampling explores");

        using var service = Process.Start(new ProcessStartInfo(Python.Interpreter) { ArgumentList = { s_script, "--http", "0" }, RedirectStandardError = true })!;
        try
        {
            string? line = await service.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
                .WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            var port = Listening().Match(line ?? "");
            Assert.True(port.Success, line);
            _ = service.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken); // so that its log never fills the pipe
            Assert.Equal(whole, Run($"http://127.0.0.1:{port.Groups[1].Value}/any/prefix", batch: 7));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Three days of 30 sessions each, the outcomes of each day before the next.</summary>
    private static StepChoice[] Run(string spec, int batch)
    {
        var all = new List<StepChoice>();
        using var policy = OutsidePolicy.Open(spec, Children.Options() with { Batch = batch });
        Assert.Equal("python-thompson", policy.Begin(SmallWorld.Run()));
        for (int day = 0; day < 3; day++)
        {
            var step = SmallWorld.Step(day);
            var sessions = SmallWorld.Sessions(step, 30);
            var choices = new StepChoice[sessions.Length];
            policy.Choose(step, sessions, choices);
            var (records, interactions) = SmallWorld.Ran(sessions);
            policy.Outcomes(step, records, interactions);
            all.AddRange(choices);
        }

        policy.End();
        return [.. all];
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RecSynth.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("no RecSynth.slnx above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"listening on http://[^:/]+:(\d+)/")]
    private static partial Regex Listening();
}

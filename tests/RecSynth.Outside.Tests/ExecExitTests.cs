using System.Diagnostics;
using RecSynth.Outside.Tests.Support;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests;

/// <summary>After <c>end</c> a child has 10 s to exit (a class of its own, so that the wait runs beside the other tests).</summary>
public sealed class ExecExitTests
{
    [Fact]
    public void After_end_a_child_that_does_not_exit_is_killed()
    {
        using var folder = new TempDirectory("outside");
        // Answers every line, but ignores the end of its input.
        const string Script = """
            import sys, time
            while True:
                line = sys.stdin.readline()
                if not line:
                    time.sleep(3600)
                print('{"name":"stubborn"}' if '"hello"' in line else '{}', flush=True)
            """;
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Script), Children.Options());
        policy.Begin(SmallWorld.Run());
        int pid = policy.ProcessId!.Value;
        var watch = Stopwatch.StartNew();
        policy.End();
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));
        Assert.False(ExecFaultTests.IsRunning(pid));
    }
}

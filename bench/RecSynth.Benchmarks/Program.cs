using BenchmarkDotNet.Running;

namespace RecSynth.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["recall", .. var sizes])
        {
            RecallMeasurement.Run(sizes);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

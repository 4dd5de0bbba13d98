using RecSynth.Behaviour;

namespace RecSynth.Internals;

/// <summary>
/// Reports one phase's progress from parallel workers, a block of work at a time: the start (0) at once, then the
/// running total after each block, in order (the count a report carries only grows). Nothing without a receiver.
/// </summary>
internal sealed class PhaseCounter
{
    private readonly IProgress<SimulationProgress>? _progress;
    private readonly string _phase;
    private readonly long _total;
    private readonly string _unit;
    private readonly Lock _gate = new();
    private long _done;

    public PhaseCounter(IProgress<SimulationProgress>? progress, string phase, long total, string unit)
    {
        (_progress, _phase, _total, _unit) = (progress, phase, total, unit);
        progress?.Report(new SimulationProgress(phase, 0, total, unit));
    }

    public void Add(long count)
    {
        if (_progress is null)
        {
            return;
        }

        lock (_gate)
        {
            _done += count;
            _progress.Report(new SimulationProgress(_phase, _done, _total, _unit));
        }
    }

    /// <summary>
    /// <paramref name="body"/>(first, end) over [0, <paramref name="count"/>) in blocks of <paramref name="block"/>, in
    /// parallel, with a report after each block.
    /// </summary>
    public void For(int count, int block, ParallelOptions parallel, Action<int, int> body)
    {
        Parallel.For(0, (count + block - 1) / block, parallel, b =>
        {
            int first = b * block, end = (int)Math.Min(count, (long)first + block);
            body(first, end);
            Add(end - first);
        });
    }
}

/// <summary>The names of the phases <see cref="SimulationProgress"/> reports.</summary>
internal static class Phases
{
    public const string WorldProducts = "world products";
    public const string WorldUsers = "world users";
    public const string Embeddings = "embeddings";
    public const string ImageIndex = "image index";
    public const string NeighbourLists = "neighbour lists";
    public const string CfPools = "CF pools";
    public const string Behaviour = "behaviour";
    public const string ClosedLoop = "closed loop";
    public const string Metrics = "metrics";
}

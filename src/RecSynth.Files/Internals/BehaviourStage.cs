using System.Buffers;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Files.Internals;

/// <summary>
/// Simulates behaviour on the catalogue and users of <c>world</c> and writes interactions.csv, sessions.csv and
/// ground_truth.csv, week by week in file order, so memory holds one week of records whatever the period's length.
/// </summary>
internal static class BehaviourStage
{
    public const string Name = "behaviour";
    public const string Interactions = "interactions.csv";
    public const string Sessions = "sessions.csv";
    public const string GroundTruthFile = "ground_truth.csv";
    public const string MetricsFile = "metrics.csv";
    public static readonly string[] AllFiles = [Interactions, Sessions, GroundTruthFile, MetricsFile];

    private const int RowsPerChunk = 8192;

    // world: the options of the catalogue and users being simulated; behaviour and seed: those of the simulation,
    // which may differ from the world's (a new logging policy or seed on a fixed catalogue).
    // simulation: a bandit in the closed loop instead of the logging policy (then metrics.csv is written too).
    public static (IReadOnlyList<(string File, ManifestFile Entry)> Files, SortedDictionary<string, long> Counts, ClosedLoopResult? Loop) Write(
        RecSynthOptions world, BehaviourOptions behaviour, long seed, DatasetShard? shard, SimulationOptions? simulation, string staging, int threads,
        IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        if (simulation is not null)
        {
            behaviour = behaviour with { GroundTruth = true };
        }

        var phases = PhaseReports.To(progress);
        var state = SimulationWorld.Build(world with { Behaviour = behaviour }, threads, phases, cancellationToken);
        var (firstUser, userCount) = (shard ?? new DatasetShard(0, 1)).UsersOf(state.UserCount);
        var policy = simulation is null
            ? SessionPolicies.Logging(PolicySpec.Parse(behaviour.Policy, PolicyUse.Logging, "behaviour.policy"), behaviour.BlendLevels)
            : SessionPolicies.Bandit(PolicySpec.Parse(simulation.Policy, PolicyUse.ClosedLoop, "simulation.policy"), simulation.Arms, state);
        var setup = new SimulationSetup
        {
            Policy = policy,
            Slates = simulation?.Slates ?? SlateSource.Oracle,
            Behaviour = behaviour,
            Seed = seed,
            FirstUser = firstUser,
            UserCount = userCount,
            Threads = threads,
        };
        var csv = new BehaviourCsv(state.UserCount, policy.Name, behaviour.BlendLevels, policy.Arms);
        var buffers = new List<ArrayBufferWriter<byte>>();
        GroundTruth? truth;
        ClosedLoopResult? loop = null;
        var files = new List<(string File, ManifestFile Entry)>();
        using (var tables = new RecordFiles(staging, csv, buffers, threads, cancellationToken))
        {
            if (simulation is null)
            {
                truth = SimulationEngine.Run(state, setup, tables, phases, cancellationToken).Truth;
            }
            else
            {
                loop = ClosedLoop.Run(state, setup, simulation.Arms, tables, phases, cancellationToken);
                truth = loop.Truth;
            }

            files.AddRange(tables.Complete());
        }

        if (truth is not null)
        {
            using var file = new StreamedFile(Path.Combine(staging, GroundTruthFile), BehaviourCsv.Header(csv.GroundTruthColumns));
            int[] users = [.. Enumerable.Range(firstUser, userCount)];
            // A batch of chunks at a time, for its progress; the rows, and so the bytes, are those of one pass.
            int batch = RowsPerChunk * 4 * threads;
            progress?.Report(new GenerationProgress(GroundTruthFile, 0, users.Length));
            for (int first = 0; first < users.Length; first += batch)
            {
                int[] part = users[first..Math.Min(users.Length, first + batch)];
                WriteRows(file, part, csv.MaxTruthBytes, (in int user, Span<byte> destination) => csv.WriteTruth(user, truth, destination), buffers, parallel);
                progress?.Report(new GenerationProgress(GroundTruthFile, first + part.Length, users.Length));
            }

            files.Add((GroundTruthFile, file.Complete(Name)));
        }

        if (loop is not null)
        {
            using var file = new StreamedFile(Path.Combine(staging, MetricsFile), []);
            var (text, rows) = MetricsTable.Format(loop);
            file.Write(text, rows);
            files.Add((MetricsFile, file.Complete(Name)));
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["sessions"] = files[1].Entry.Rows,
            ["interactions"] = files[0].Entry.Rows,
        };
        return (files, counts, loop);
    }

    /// <summary>interactions.csv and sessions.csv, written from the run's record blocks as they come.</summary>
    private sealed class RecordFiles : ISimulationSink, IDisposable
    {
        private readonly StreamedFile _interactions;
        private readonly StreamedFile _sessions;
        private readonly BehaviourCsv _csv;
        private readonly List<ArrayBufferWriter<byte>> _buffers;
        private readonly ParallelOptions _all;
        private readonly ParallelOptions _alongside;

        public RecordFiles(string staging, BehaviourCsv csv, List<ArrayBufferWriter<byte>> buffers, int threads, CancellationToken cancellationToken)
        {
            _csv = csv;
            _buffers = buffers;
            _all = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
            // While the simulation runs on every thread, the rows are formatted on a quarter of them: enough to keep up
            // (the formatting is about a tenth of the work), and more would only take turns with the simulation. The
            // last window's rows, written when the simulation is done, get every thread.
            _alongside = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads / 4), CancellationToken = cancellationToken };
            _interactions = new StreamedFile(Path.Combine(staging, Interactions), BehaviourCsv.Header(BehaviourCsv.InteractionColumns));
            _sessions = new StreamedFile(Path.Combine(staging, Sessions), BehaviourCsv.Header(BehaviourCsv.SessionColumns));
        }

        public void Write(RecordBlock block)
        {
            var options = block.SimulationRunning ? _alongside : _all;
            WriteRows(_interactions, block.Interactions, BehaviourCsv.MaxInteractionBytes, _csv.WriteInteraction, _buffers, options);
            WriteRows(_sessions, block.Sessions, BehaviourCsv.MaxSessionBytes, _csv.WriteSession, _buffers, options);
        }

        public IEnumerable<(string File, ManifestFile Entry)> Complete() =>
            [(Interactions, _interactions.Complete(Name)), (Sessions, _sessions.Complete(Name))];

        public void Dispose()
        {
            _interactions.Dispose();
            _sessions.Dispose();
        }
    }

    private delegate int RowWriter<T>(in T row, Span<byte> destination);

    /// <summary>Formats rows in parallel chunks and appends the chunks in order; the chunk buffers are reused from call to call.</summary>
    private static void WriteRows<T>(
        StreamedFile file, ReadOnlyMemory<T> rows, int maxRowBytes, RowWriter<T> write, List<ArrayBufferWriter<byte>> buffers, ParallelOptions parallel)
    {
        int count = rows.Length;
        int chunks = (count + RowsPerChunk - 1) / RowsPerChunk;
        while (buffers.Count < chunks)
        {
            buffers.Add(new ArrayBufferWriter<byte>(RowsPerChunk * 80));
        }

        Parallel.For(0, chunks, parallel, c =>
        {
            var buffer = buffers[c];
            buffer.ResetWrittenCount();
            var span = rows.Span;
            int end = Math.Min(count, (c + 1) * RowsPerChunk);
            for (int i = c * RowsPerChunk; i < end; i++)
            {
                buffer.Advance(write(span[i], buffer.GetSpan(maxRowBytes)));
            }
        });
        for (int c = 0; c < chunks; c++)
        {
            file.Write(buffers[c].WrittenSpan, Math.Min(RowsPerChunk, count - c * RowsPerChunk));
        }
    }
}

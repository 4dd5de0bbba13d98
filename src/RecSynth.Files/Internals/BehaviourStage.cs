using System.Buffers;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Files.Internals;

/// <summary>
/// Simulates behaviour on the catalogue and users of <c>world</c> and writes interactions, sessions and ground_truth —
/// as CSV, as Parquet or both, each from the same records in one pass — week by week in file order, so memory holds one
/// week of records (and a Parquet file's row groups being filled and written) whatever the period's length.
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
    private const int ChunksPerBatch = 32; // 262,144 rows, some 17 MB of CSV

    // state: the catalogue and users being simulated, built once for the run; behaviour and seed: those of the
    // simulation, which may differ from the world's (a new logging policy or seed on a fixed catalogue).
    // simulation: a bandit in the closed loop instead of the logging policy (then metrics.csv is written too).
    // datasetFolder: a folder with the run's products.csv, embeddings.npy and users.csv, for an outside policy to read.
    public static (IReadOnlyList<(string File, ManifestFile Entry)> Files, SortedDictionary<string, long> Counts, ClosedLoopResult? Loop) Write(
        SimulationWorld state, BehaviourOptions behaviour, long seed, DatasetShard? shard, SimulationOptions? simulation, DatasetFormats formats, string staging, int threads,
        string? datasetFolder, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        if (simulation is not null)
        {
            behaviour = behaviour with { GroundTruth = true };
        }

        var phases = PhaseReports.To(progress);
        var (firstUser, userCount) = (shard ?? new DatasetShard(0, 1)).UsersOf(state.UserCount);
        var policy = simulation is null
            ? SessionPolicies.Logging(PolicySpec.Parse(behaviour.Policy, PolicyUse.Logging, "behaviour.policy"), behaviour.BlendLevels)
            : simulation.StepPolicy is { } outside
            ? SessionPolicies.Stepped(outside, simulation.StepMode, Bandits.BanditPolicies.ArmsOf(simulation.StepMode == StepMode.Slate ? Bandits.BanditArms.Blend : simulation.Arms, behaviour.BlendLevels), state)
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
            Step = simulation?.Step,
            Dataset = datasetFolder,
        };
        // The rows' formats name the policy: made at first use, once it has its name (an outside policy gives it as the run starts).
        var rowFormats = new RowFormats(
            () => new BehaviourCsv(state.UserCount, policy.Name, behaviour.BlendLevels, policy.Arms),
            () => new BehaviourParquet(state.UserCount, policy.Name, behaviour.BlendLevels, policy.Arms));
        bool toCsv = formats.HasFlag(DatasetFormats.Csv), toParquet = formats.HasFlag(DatasetFormats.Parquet);
        var buffers = new List<ArrayBufferWriter<byte>>();
        GroundTruth? truth;
        ClosedLoopResult? loop = null;
        var files = new List<(string File, ManifestFile Entry)>();
        ParquetFile? ParquetOf(string table, IReadOnlyList<string> columns, long? rows, bool overlap) =>
            toParquet ? new ParquetFile(Path.Combine(staging, ParquetTables.ParquetName(table)), table, columns, progress, rows, cancellationToken, overlap) : null;
        long interactionRows, sessionRows;
        using (var tables = new RecordFiles(
            toCsv ? staging : null, rowFormats, ParquetOf(Interactions, BehaviourCsv.InteractionColumns, null, overlap: true),
            ParquetOf(Sessions, BehaviourCsv.SessionColumns, null, overlap: true), buffers, threads, cancellationToken))
        {
            if (simulation is null)
            {
                truth = SimulationEngine.Run(state, setup, tables, phases, cancellationToken).Truth;
            }
            else
            {
                loop = ClosedLoop.Run(state, setup, simulation is { StepPolicy: not null, StepMode: StepMode.Slate } ? Bandits.BanditArms.Blend : simulation.Arms, tables, phases, cancellationToken);
                truth = loop.Truth;
            }

            (interactionRows, sessionRows) = tables.EndRows(); // the last Parquet row groups are written while the ground truth is
            if (truth is not null)
            {
                var csv = rowFormats.Csv;
                var parquet = rowFormats.Parquet;
                int[] users = [.. Enumerable.Range(firstUser, userCount)];
                using var file = toCsv ? new StreamedFile(Path.Combine(staging, GroundTruthFile), BehaviourCsv.Header(csv.GroundTruthColumns)) : null;
                using var truthParquet = ParquetOf(GroundTruthFile, csv.GroundTruthColumns, users.Length, overlap: false);
                // A batch of chunks at a time, for its progress; the rows, and so the bytes, are those of one pass.
                int batch = RowsPerChunk * 4 * threads;
                if (file is not null)
                {
                    progress?.Report(new GenerationProgress(GroundTruthFile, 0, users.Length));
                }

                for (int first = 0; first < users.Length; first += batch)
                {
                    int[] part = users[first..Math.Min(users.Length, first + batch)];
                    if (file is not null)
                    {
                        WriteRows(file, part, csv.MaxTruthBytes, (in int user, Span<byte> destination) => csv.WriteTruth(user, truth, destination), buffers, parallel);
                        progress?.Report(new GenerationProgress(GroundTruthFile, first + part.Length, users.Length));
                    }

                    truthParquet?.Append(part.Length, (int i, ref ParquetRow row) => parquet.WriteTruth(part[i], truth, ref row), parallel);
                }

                Complete(files, GroundTruthFile, file, truthParquet);
            }

            files.AddRange(tables.Complete());
        }

        if (loop is not null)
        {
            var (text, rows) = MetricsTable.Format(loop);
            if (toCsv)
            {
                using var file = new StreamedFile(Path.Combine(staging, MetricsFile), []);
                file.Write(text, rows);
                files.Add((MetricsFile, file.Complete(Name)));
            }

            if (toParquet)
            {
                // A day a row: converted from the text in memory, never written as CSV.
                string name = ParquetTables.ParquetName(MetricsFile);
                files.Add((name, ParquetTables.Convert(text, rows, MetricsFile, Path.Combine(staging, name), Name, progress, cancellationToken)));
            }
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["sessions"] = sessionRows,
            ["interactions"] = interactionRows,
        };
        return (files, counts, loop);
    }

    /// <summary>A table's entries in the manifest: its CSV file, its Parquet file, or both.</summary>
    private static void Complete(List<(string File, ManifestFile Entry)> files, string table, StreamedFile? csvFile, ParquetFile? parquetFile)
    {
        if (csvFile is not null)
        {
            files.Add((table, csvFile.Complete(Name)));
        }

        if (parquetFile is not null)
        {
            files.Add((ParquetTables.ParquetName(table), parquetFile.Complete(Name)));
        }
    }

    /// <summary>
    /// Interactions and sessions, written from the run's record blocks as they come: as CSV (when given a folder) and as
    /// Parquet (when given its files, whose row groups are written on a thread of their own while the simulation goes on
    /// and the next one fills).
    /// </summary>
    private sealed class RecordFiles : ISimulationSink, IDisposable
    {
        private readonly StreamedFile? _interactions;
        private readonly StreamedFile? _sessions;
        private readonly ParquetFile? _interactionsParquet;
        private readonly ParquetFile? _sessionsParquet;
        private readonly RowFormats _formats;
        private readonly List<ArrayBufferWriter<byte>> _buffers;
        private readonly ParallelOptions _all;
        private readonly ParallelOptions _alongside;

        public RecordFiles(
            string? csvFolder, RowFormats formats, ParquetFile? interactionsParquet, ParquetFile? sessionsParquet,
            List<ArrayBufferWriter<byte>> buffers, int threads, CancellationToken cancellationToken)
        {
            _formats = formats;
            _buffers = buffers;
            _interactionsParquet = interactionsParquet;
            _sessionsParquet = sessionsParquet;
            _all = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
            // While the simulation runs on every thread, the rows are formatted on a quarter of them: enough to keep up
            // (the formatting is about a tenth of the work), and more would only take turns with the simulation. The
            // last window's rows, written when the simulation is done, get every thread.
            _alongside = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads / 4), CancellationToken = cancellationToken };
            if (csvFolder is not null)
            {
                _interactions = new StreamedFile(Path.Combine(csvFolder, Interactions), BehaviourCsv.Header(BehaviourCsv.InteractionColumns));
                _sessions = new StreamedFile(Path.Combine(csvFolder, Sessions), BehaviourCsv.Header(BehaviourCsv.SessionColumns));
            }
        }

        public void Write(RecordBlock block)
        {
            var options = block.SimulationRunning ? _alongside : _all;
            if (_interactions is not null && _sessions is not null)
            {
                var csv = _formats.Csv;
                WriteRows(_interactions, block.Interactions, BehaviourCsv.MaxInteractionBytes, csv.WriteInteraction, _buffers, options);
                WriteRows(_sessions, block.Sessions, csv.MaxSessionBytes, csv.WriteSession, _buffers, options);
            }

            if (_interactionsParquet is not null && _sessionsParquet is not null)
            {
                var interactions = block.Interactions;
                var sessions = block.Sessions;
                var parquet = _formats.Parquet;
                _interactionsParquet.Append(interactions.Length, (int i, ref ParquetRow row) => parquet.WriteInteraction(interactions.Span[i], ref row), options);
                _sessionsParquet.Append(sessions.Length, (int i, ref ParquetRow row) => parquet.WriteSession(sessions.Span[i], ref row), options);
            }
        }

        /// <summary>The tables' row counts, once every block is in; their last Parquet row groups start being written.</summary>
        public (long Interactions, long Sessions) EndRows()
        {
            _interactionsParquet?.EndRows();
            _sessionsParquet?.EndRows();
            return (_interactions?.Rows ?? _interactionsParquet!.Rows, _sessions?.Rows ?? _sessionsParquet!.Rows);
        }

        public List<(string File, ManifestFile Entry)> Complete()
        {
            var files = new List<(string File, ManifestFile Entry)>();
            BehaviourStage.Complete(files, Interactions, _interactions, _interactionsParquet);
            BehaviourStage.Complete(files, Sessions, _sessions, _sessionsParquet);
            return files;
        }

        public void Dispose()
        {
            _interactions?.Dispose();
            _sessions?.Dispose();
            _interactionsParquet?.Dispose();
            _sessionsParquet?.Dispose();
        }
    }

    /// <summary>The formats of the behaviour tables' rows, each made at its first use (by one thread: the sink's, then the stage's).</summary>
    private sealed class RowFormats(Func<BehaviourCsv> csv, Func<BehaviourParquet> parquet)
    {
        private BehaviourCsv? _csv;
        private BehaviourParquet? _parquet;

        public BehaviourCsv Csv => _csv ??= csv();

        public BehaviourParquet Parquet => _parquet ??= parquet();
    }

    private delegate int RowWriter<T>(in T row, Span<byte> destination);

    /// <summary>
    /// Formats rows in parallel chunks and appends the chunks in order, <see cref="ChunksPerBatch"/> at a time: the chunk
    /// buffers are reused from batch to batch and call to call, so a week's text is never held whole (at the large preset
    /// a busy week's interactions are some 200 MB of CSV).
    /// </summary>
    private static void WriteRows<T>(
        StreamedFile file, ReadOnlyMemory<T> rows, int maxRowBytes, RowWriter<T> write, List<ArrayBufferWriter<byte>> buffers, ParallelOptions parallel)
    {
        int count = rows.Length;
        int chunks = (count + RowsPerChunk - 1) / RowsPerChunk;
        while (buffers.Count < Math.Min(chunks, ChunksPerBatch))
        {
            buffers.Add(new ArrayBufferWriter<byte>(RowsPerChunk * 80));
        }

        for (int batch = 0; batch < chunks; batch += ChunksPerBatch)
        {
            int first = batch, end = Math.Min(chunks, batch + ChunksPerBatch);
            Parallel.For(first, end, parallel, c =>
            {
                var buffer = buffers[c - first];
                buffer.ResetWrittenCount();
                var span = rows.Span;
                int last = Math.Min(count, (c + 1) * RowsPerChunk);
                for (int i = c * RowsPerChunk; i < last; i++)
                {
                    buffer.Advance(write(span[i], buffer.GetSpan(maxRowBytes)));
                }
            });
            for (int c = first; c < end; c++)
            {
                file.Write(buffers[c - first].WrittenSpan, Math.Min(RowsPerChunk, count - c * RowsPerChunk));
            }
        }
    }
}

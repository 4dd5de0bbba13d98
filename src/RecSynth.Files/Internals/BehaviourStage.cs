using System.Buffers;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;

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

    // world: the options of the catalogue and users being simulated; behaviour and seed: those of the simulation,
    // which may differ from the world's (a new logging policy or seed on a fixed catalogue).
    // simulation: a bandit in the closed loop instead of the logging policy (then metrics.csv is written too).
    public static (IReadOnlyList<(string File, ManifestFile Entry)> Files, SortedDictionary<string, long> Counts, ClosedLoopResult? Loop) Write(
        RecSynthOptions world, BehaviourOptions behaviour, long seed, DatasetShard? shard, SimulationOptions? simulation, DatasetFormats formats, string staging, int threads,
        IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        if (simulation is not null)
        {
            behaviour = behaviour with { GroundTruth = true };
        }

        var phases = PhaseReports.To(progress);
        var state = new World(world with { Behaviour = behaviour }, threads, cancellationToken, phases);
        var (firstUser, userCount) = (shard ?? new DatasetShard(0, 1)).UsersOf(state.UserList.Length);
        BehaviourRun run;
        LoopMetrics? metrics = null;
        string policyName;
        IEnumerable<Arm> arms;
        if (simulation is not null)
        {
            (run, metrics) = ClosedLoop.Prepare(
                state, behaviour, (ulong)seed, BanditPolicies.Create(simulation.Policy, simulation.Arms, state), simulation.Arms, parallel, simulation.Recommender, simulation.Service, phases);
            var bandit = (BanditPolicy)run.Policy;
            (policyName, arms) = (bandit.Name, bandit.Arms);
        }
        else
        {
            var policy = LoggingPolicy.TryParse(behaviour.Policy, behaviour.BlendLevels, out string? error)
                ?? throw new RecSynth.Configuration.OptionsException([new OptionProblem("behaviour.policy", behaviour.Policy, error!)]);
            run = new BehaviourRun(state, behaviour, (ulong)seed, policy, parallel, firstUser, userCount, phases);
            (policyName, arms) = (policy.Name, policy.Arms);
        }

        var csv = new BehaviourCsv(state.UserList.Length, policyName, behaviour.BlendLevels, arms);
        var parquet = new BehaviourParquet(state.UserList.Length, policyName, behaviour.BlendLevels, arms);
        bool toCsv = formats.HasFlag(DatasetFormats.Csv), toParquet = formats.HasFlag(DatasetFormats.Parquet);
        var files = new List<(string File, ManifestFile Entry)>();
        ParquetFile? ParquetOf(string table, IReadOnlyList<string> columns, long? rows, bool overlap) =>
            toParquet ? new ParquetFile(Path.Combine(staging, ParquetTables.ParquetName(table)), table, columns, progress, rows, cancellationToken, overlap) : null;
        void Complete(string table, StreamedFile? csvFile, ParquetFile? parquetFile)
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

        using var interactions = toCsv ? new StreamedFile(Path.Combine(staging, Interactions), BehaviourCsv.Header(BehaviourCsv.InteractionColumns)) : null;
        using var sessions = toCsv ? new StreamedFile(Path.Combine(staging, Sessions), BehaviourCsv.Header(BehaviourCsv.SessionColumns)) : null;
        // Each of their row groups is written on a thread of its own while the simulation goes on and the next one fills.
        using var interactionsParquet = ParquetOf(Interactions, BehaviourCsv.InteractionColumns, null, overlap: true);
        using var sessionsParquet = ParquetOf(Sessions, BehaviourCsv.SessionColumns, null, overlap: true);
        var buffers = new List<ArrayBufferWriter<byte>>();
        // While the simulation runs on every thread, the rows are formatted on a quarter of them: enough to keep up (the
        // formatting is about a tenth of the work), and more would only take turns with the simulation. The last
        // window's rows, written when the simulation is done, get every thread.
        var writing = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads / 4), CancellationToken = cancellationToken };
        run.Run((week, interactionRows, interactionCount, sessionRows, sessionCount) =>
        {
            var options = run.Simulating ? writing : parallel;
            if (interactions is not null && sessions is not null)
            {
                WriteRows(interactions, interactionRows, interactionCount, BehaviourCsv.MaxInteractionBytes, csv.WriteInteraction, buffers, options);
                WriteRows(sessions, sessionRows, sessionCount, BehaviourCsv.MaxSessionBytes, csv.WriteSession, buffers, options);
            }

            interactionsParquet?.Append(interactionCount, (int i, ref ParquetRow row) => parquet.WriteInteraction(interactionRows[i], ref row), options);
            sessionsParquet?.Append(sessionCount, (int i, ref ParquetRow row) => parquet.WriteSession(sessionRows[i], ref row), options);
            metrics?.Add(sessionRows.AsSpan(0, sessionCount));
        }, cancellationToken);

        long interactionRowCount = interactions?.Rows ?? interactionsParquet!.Rows, sessionRowCount = sessions?.Rows ?? sessionsParquet!.Rows;
        interactionsParquet?.EndRows(); // their last row groups are written while the ground truth is
        sessionsParquet?.EndRows();
        if (run.Truth is { } truth)
        {
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
                    WriteRows(file, part, part.Length, csv.MaxTruthBytes, (in int user, Span<byte> destination) => csv.WriteTruth(user, truth, destination), buffers, parallel);
                    progress?.Report(new GenerationProgress(GroundTruthFile, first + part.Length, users.Length));
                }

                truthParquet?.Append(part.Length, (int i, ref ParquetRow row) => parquet.WriteTruth(part[i], truth, ref row), parallel);
            }

            Complete(GroundTruthFile, file, truthParquet);
        }

        Complete(Interactions, interactions, interactionsParquet);
        Complete(Sessions, sessions, sessionsParquet);

        ClosedLoopResult? loop = null;
        if (metrics is not null)
        {
            loop = metrics.Compute(run.Truth!, behaviour.BlendLevels, phases);
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
            ["sessions"] = sessionRowCount,
            ["interactions"] = interactionRowCount,
        };
        return (files, counts, loop);
    }

    private delegate int RowWriter<T>(in T row, Span<byte> destination);

    /// <summary>Formats rows in parallel chunks and appends the chunks in order; the chunk buffers are reused from call to call.</summary>
    private static void WriteRows<T>(
        StreamedFile file, T[] rows, int count, int maxRowBytes, RowWriter<T> write, List<ArrayBufferWriter<byte>> buffers, ParallelOptions parallel)
    {
        int chunks = (count + RowsPerChunk - 1) / RowsPerChunk;
        while (buffers.Count < chunks)
        {
            buffers.Add(new ArrayBufferWriter<byte>(RowsPerChunk * 80));
        }

        Parallel.For(0, chunks, parallel, c =>
        {
            var buffer = buffers[c];
            buffer.ResetWrittenCount();
            int end = Math.Min(count, (c + 1) * RowsPerChunk);
            for (int i = c * RowsPerChunk; i < end; i++)
            {
                buffer.Advance(write(rows[i], buffer.GetSpan(maxRowBytes)));
            }
        });
        for (int c = 0; c < chunks; c++)
        {
            file.Write(buffers[c].WrittenSpan, Math.Min(RowsPerChunk, count - c * RowsPerChunk));
        }
    }
}

using System.Buffers;
using RecSynth.Behaviour;
using RecSynth.Configuration;

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
    public static readonly string[] AllFiles = [Interactions, Sessions, GroundTruthFile];

    private const int RowsPerChunk = 8192;

    // world: the options of the catalogue and users being simulated; behaviour and seed: those of the simulation,
    // which may differ from the world's (a new logging policy or seed on a fixed catalogue).
    public static (IReadOnlyList<(string File, ManifestFile Entry)> Files, SortedDictionary<string, long> Counts) Write(
        RecSynthOptions world, BehaviourOptions behaviour, long seed, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var state = new World(world with { Behaviour = behaviour }, threads, cancellationToken);
        var policy = LoggingPolicy.TryParse(behaviour.Policy, behaviour.BlendLevels, out string? error)
            ?? throw new RecSynth.Configuration.OptionsException([new OptionProblem("behaviour.policy", behaviour.Policy, error!)]);
        var run = new BehaviourRun(state, behaviour, (ulong)seed, policy, parallel);
        var csv = new BehaviourCsv(state.UserList.Length, policy.Name, behaviour.BlendLevels, policy.Arms);
        using var interactions = new StreamedFile(Path.Combine(staging, Interactions), BehaviourCsv.Header(BehaviourCsv.InteractionColumns));
        using var sessions = new StreamedFile(Path.Combine(staging, Sessions), BehaviourCsv.Header(BehaviourCsv.SessionColumns));
        int weeks = run.Simulator.Schedule.Weeks;
        progress?.Report(new GenerationProgress("behaviour", 0, weeks, "weeks"));
        run.Run((week, interactionRows, sessionRows) =>
        {
            WriteRows(interactions, interactionRows, BehaviourCsv.MaxInteractionBytes, csv.WriteInteraction, parallel);
            WriteRows(sessions, sessionRows, BehaviourCsv.MaxSessionBytes, csv.WriteSession, parallel);
            progress?.Report(new GenerationProgress("behaviour", week + 1, weeks, "weeks"));
        }, cancellationToken);

        var files = new List<(string File, ManifestFile Entry)>
        {
            (Interactions, interactions.Complete(Name)),
            (Sessions, sessions.Complete(Name)),
        };
        if (run.Truth is { } truth)
        {
            using var file = new StreamedFile(Path.Combine(staging, GroundTruthFile), BehaviourCsv.Header(csv.GroundTruthColumns));
            int[] users = [.. Enumerable.Range(0, state.UserList.Length)];
            WriteRows(file, users, csv.MaxTruthBytes, (int user, Span<byte> destination) => csv.WriteTruth(user, truth, destination), parallel);
            files.Add((GroundTruthFile, file.Complete(Name)));
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["sessions"] = files[1].Entry.Rows,
            ["interactions"] = files[0].Entry.Rows,
        };
        return (files, counts);
    }

    private delegate int RowWriter<T>(in T row, Span<byte> destination);

    /// <summary>Formats rows in parallel chunks and appends the chunks in order.</summary>
    private static void WriteRows<T>(StreamedFile file, ReadOnlySpan<T> rows, int maxRowBytes, RowWriter<T> write, ParallelOptions parallel)
    {
        int chunks = (rows.Length + RowsPerChunk - 1) / RowsPerChunk;
        var buffers = new ArrayBufferWriter<byte>[chunks];
        var copy = rows.ToArray();
        Parallel.For(0, chunks, parallel, c =>
        {
            var buffer = new ArrayBufferWriter<byte>(RowsPerChunk * 80);
            int end = Math.Min(copy.Length, (c + 1) * RowsPerChunk);
            for (int i = c * RowsPerChunk; i < end; i++)
            {
                buffer.Advance(write(copy[i], buffer.GetSpan(maxRowBytes)));
            }

            buffers[c] = buffer;
        });
        for (int c = 0; c < chunks; c++)
        {
            file.Write(buffers[c].WrittenSpan, Math.Min(RowsPerChunk, rows.Length - c * RowsPerChunk));
        }
    }

    private static void WriteRows(StreamedFile file, int[] users, int maxRowBytes, Func<int, Span<byte>, int> write, ParallelOptions parallel) =>
        WriteRows<int>(file, users, maxRowBytes, (in int user, Span<byte> destination) => write(user, destination), parallel);
}

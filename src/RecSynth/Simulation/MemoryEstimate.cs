using System.Runtime.CompilerServices;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Simulation;

/// <summary>
/// How much memory the model needs for a run, estimated from the options before anything is built: what a caller checks
/// against the machine (or a container's limit) to refuse a run that cannot fit, rather than fail half-way.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>Bytes of the embedding model's attribute prototypes, in double and single precision (the catalogue stage).</summary>
    public static long PrototypeBytes(RecSynthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionsValidator.PrototypeCount(options.Catalog) * (long)options.Embedding.Dimensions * (sizeof(double) + sizeof(float));
    }

    /// <summary>
    /// Bytes of a simulation on <paramref name="threads"/> threads: the world (products, users, factors, embeddings twice
    /// while the index is built, the index's neighbour lists), each user's state (CF candidates, purchases, the products
    /// viewed when they are kept), and a few
    /// weeks of records (two windows of weeks, the week being sorted and the one before it, the sort's second array);
    /// not the whole log.
    /// </summary>
    public static long SimulationBytes(RecSynthOptions options, int threads)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SimulationBytes(options, threads, options.Users.Count);
    }

    /// <summary>
    /// <see cref="SimulationBytes(RecSynthOptions, int)"/> of a run that simulates <paramref name="simulatedUsers"/> of
    /// the users (a shard): a shard's world builds only its own users (<see cref="SimulationWorld.BuildForUsers"/>), so the
    /// world's users, their states and records are the simulated ones'.
    /// </summary>
    public static long SimulationBytes(RecSynthOptions options, int threads, int simulatedUsers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(simulatedUsers);
        long products = options.Catalog.Count, simulated = Math.Min(simulatedUsers, options.Users.Count);
        int d = options.Embedding.Dimensions, f = options.Factors.Dimensions;
        var b = options.Behaviour;
        long world = products * (64 + 4L * f + 2 * 4L * d + 8L * b.Image.Neighbours + 12 + 64) + simulated * (128 + 4L * f);
        long states = simulated * (96 + 12L * b.Cf.Candidates + 2 * (32 + b.Cf.Candidates / 8) + 4L * b.Image.Anchors + 40 * b.BlendLevels.Length); // candidates: id, score, interest, two bits
        long week = WeekRecordBytes(options, simulated);
        long records = week * (2 * WindowWeeks(week, int.MaxValue) + 3);
        return world + states + ViewedBytes(options, simulated) + records + threads * (products * 16L);
    }

    /// <summary>
    /// The products each user viewed, kept only when <c>behaviour.response.revisit</c> is not 1: about a view per
    /// session over the whole period, 4 bytes each, twice over for the arrays' growth.
    /// </summary>
    internal static long ViewedBytes(RecSynthOptions options, long users)
    {
        if (options.Behaviour.Response.Revisit == 1)
        {
            return 0;
        }

        double weeks = (options.Time.EndSeconds - options.Time.StartSeconds) / (7 * 86_400.0);
        return (long)(users * WeeklySessions(options) * weeks * 8);
    }

    /// <summary>The most a window of weeks' records should take (one of the run's two sets).</summary>
    internal const long WindowBytes = 256L << 20;

    /// <summary>
    /// A week's records of <paramref name="users"/> users: a session and ~1.6 interactions each, at the mean activity,
    /// with half again for the busier weeks and the lists' growth.
    /// </summary>
    internal static long WeekRecordBytes(RecSynthOptions options, long users)
    {
        double weeklySessions = users * WeeklySessions(options) * 1.5;
        double perSession = Unsafe.SizeOf<SessionRecord>() + 1.6 * Unsafe.SizeOf<InteractionRecord>();
        return (long)(weeklySessions * perSession);
    }

    /// <summary>A user's mean sessions a week: the log-normal activity's mean, at most its cap.</summary>
    private static double WeeklySessions(RecSynthOptions options)
    {
        var activity = options.Users.Activity;
        return Math.Min(activity.Max, activity.Median * Math.Exp(activity.Sigma * activity.Sigma / 2));
    }

    /// <summary>
    /// The weeks a window holds when users run several weeks in a row: up to <see cref="BehaviourRun.WeeksPerWindow"/>,
    /// as many as keep its records (<paramref name="weekBytes"/> a week) within <see cref="WindowBytes"/>, at least one.
    /// </summary>
    internal static int WindowWeeks(long weekBytes, int weeks) =>
        (int)Math.Clamp(WindowBytes / Math.Max(1, weekBytes), 1, Math.Min(BehaviourRun.WeeksPerWindow, weeks));
}

using System.Globalization;
using RecSynth.Configuration;
using RecSynth.Simulation;

namespace RecSynth.Files.Internals;

/// <summary>
/// What a run needs in memory and on disk, checked before anything is written. The catalogue and users stages
/// stream: products and users are drawn per chunk and never held, so their memory is the chunk windows and the
/// prototype tables, whatever the sizes. (Measured: a 100,000-product, 100,000-user run completes under a 32 MiB
/// GC heap limit, which the estimate below stays above.)
/// </summary>
internal static class ResourceEstimate
{
    /// <summary>The runtime, the libraries and their caches.</summary>
    private const long BaseBytes = 24L << 20;

    /// <summary>A pipeline chunk (1 MiB of data, in a buffer that may have grown to twice that).</summary>
    private const long ChunkBytes = 2L << 20;

    public static long MemoryBytes(RecSynthOptions options, bool catalog, bool users, bool behaviour, int threads, DatasetShard? shard = null) =>
        Estimate(options, catalog, users, behaviour, threads, shard).Bytes;

    /// <summary>The memory the run needs, and whether the behaviour stage is what sets it.</summary>
    private static (long Bytes, bool BehaviourDominates) Estimate(RecSynthOptions options, bool catalog, bool users, bool behaviour, int threads, DatasetShard? shard)
    {
        // The stages run one after the other, so the larger of them counts.
        long window = 2L * threads + 2; // chunks in flight per file (OrderedPipeline)
        long stage = 0;
        if (catalog)
        {
            // products.csv and embeddings.npy are written side by side; the prototypes are built in double precision.
            stage = Math.Max(stage, 2 * window * ChunkBytes + MemoryEstimate.PrototypeBytes(options));
        }

        if (users)
        {
            stage = Math.Max(stage, window * ChunkBytes);
        }

        bool behaviourDominates = false;
        if (behaviour)
        {
            long simulation = MemoryEstimate.SimulationBytes(options, threads, Simulated(options, shard));
            behaviourDominates = simulation > stage;
            stage = Math.Max(stage, simulation);
        }

        return (BaseBytes + stage, behaviourDominates);
    }

    /// <summary>The users a run simulates: a shard's, or all.</summary>
    private static int Simulated(RecSynthOptions options, DatasetShard? shard) => shard?.UsersOf(options.Users.Count).Count ?? options.Users.Count;

    public static long DiskBytes(RecSynthOptions options, bool catalog, bool users, bool behaviour = false, DatasetShard? shard = null)
    {
        long bytes = 0;
        if (behaviour)
        {
            // Sessions (~70 bytes) and ~1.6 interactions (~65 bytes) each, at the clipped log-normal's mean activity.
            var activity = options.Users.Activity;
            double mean = Math.Min(activity.Max, activity.Median * Math.Exp(activity.Sigma * activity.Sigma / 2));
            double weeks = (options.Time.End - options.Time.Start).TotalDays / 7;
            long simulated = Simulated(options, shard);
            bytes += (long)(simulated * mean * weeks * (70 + 1.6 * 65)) + simulated * 120L;
        }

        if (catalog)
        {
            int elementSize = options.Embedding.Dtype == EmbeddingDType.Float64 ? 8 : 4;
            bytes += options.Catalog.Count * (160L + (long)options.Embedding.Dimensions * elementSize);
            bytes += options.Factors.Write ? options.Catalog.Count * 4L * options.Factors.Dimensions : 0;
        }

        if (users)
        {
            bytes += options.Users.Count * 300L;
            bytes += options.Factors.Write ? options.Users.Count * 4L * options.Factors.Dimensions : 0;
        }

        return bytes;
    }

    /// <summary>Refuses runs this machine cannot hold (a usage error) or store (an I/O error), before anything is written.</summary>
    public static void Check(RecSynthOptions options, bool catalog, bool users, bool behaviour, int threads, string directory, DatasetShard? shard = null)
    {
        var (need, behaviourDominates) = Estimate(options, catalog, users, behaviour, threads, shard);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (need > available)
        {
            throw new DatasetUsageException(behaviourDominates
                ? $"simulating behaviour for catalog.count = {options.Catalog.Count} and users.count = {options.Users.Count} needs about {Size(need)} of memory, "
                  + $"but only {Size(available)} is available to this process; lower the sizes (--products, --users) or use a larger machine"
                : $"generating needs about {Size(need)} of memory with --threads {threads} (embedding.dimensions = {options.Embedding.Dimensions}), "
                  + $"but only {Size(available)} is available to this process; use fewer --threads or a larger memory limit");
        }

        long disk = DiskBytes(options, catalog, users, behaviour, shard);
        long? free = FreeSpace(Path.GetFullPath(directory));
        if (free is long bytes && disk > bytes)
        {
            throw new IOException(
                $"not enough disk space for the dataset in {directory}: catalog.count = {options.Catalog.Count} and users.count = {options.Users.Count} "
                + $"need about {Size(disk)}, {Size(bytes)} is free");
        }
    }

    /// <summary>Free space on the file system that holds <paramref name="path"/> (the mount with the longest matching prefix).</summary>
    private static long? FreeSpace(string path)
    {
        try
        {
            var drive = DriveInfo.GetDrives()
                .Where(d => Contains(d.RootDirectory.FullName, path))
                .MaxBy(d => d.RootDirectory.FullName.Length);
            return drive is { IsReady: true } ? drive.AvailableFreeSpace : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // the write itself reports a full disk, and nothing is left behind
        }
    }

    private static bool Contains(string mount, string path) =>
        path.StartsWith(mount, StringComparison.Ordinal)
        && (mount.EndsWith('/') || path.Length == mount.Length || path[mount.Length] == '/');

    internal static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";
}

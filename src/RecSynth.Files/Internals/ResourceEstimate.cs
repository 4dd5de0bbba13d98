using System.Runtime.CompilerServices;
using RecSynth.Catalog;
using RecSynth.Configuration;

namespace RecSynth.Files.Internals;

/// <summary>What a run needs in memory and on disk, checked before anything is written.</summary>
internal static class ResourceEstimate
{
    private const long RuntimeOverhead = 128L << 20;

    public static long MemoryBytes(RecSynthOptions options, bool catalog, bool users, int threads)
    {
        long bytes = RuntimeOverhead;
        int window = 2 * threads + 2;
        if (catalog)
        {
            // The products are held while their three files are written; embeddings are streamed in chunks.
            bytes += (long)options.Catalog.Count * Unsafe.SizeOf<Item>();
            bytes += (long)OptionsValidatorPrototypes(options) * options.Embedding.Dimensions * sizeof(float);
            bytes += window * (2L << 20);
        }

        if (users)
        {
            bytes += window * (2L << 20); // users are streamed
        }

        return bytes;
    }

    public static long DiskBytes(RecSynthOptions options, bool catalog, bool users)
    {
        long bytes = 0;
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

    /// <summary>Refuses sizes this machine cannot hold, naming the knob to lower.</summary>
    public static void Check(RecSynthOptions options, bool catalog, bool users, int threads, string directory)
    {
        long need = MemoryBytes(options, catalog, users, threads);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (need > available)
        {
            string knob = catalog ? $"catalog.count = {options.Catalog.Count}" : $"users.count = {options.Users.Count}";
            throw new DatasetUsageException(
                $"{knob} needs about {GiB(need)} of memory, but this machine makes {GiB(available)} available; lower the sizes (--products, --users) or use a larger machine");
        }

        long disk = DiskBytes(options, catalog, users);
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(directory));
            if (drive.IsReady && disk > drive.AvailableFreeSpace)
            {
                throw new IOException($"not enough disk space for the dataset in {directory}: it needs about {GiB(disk)}, {GiB(drive.AvailableFreeSpace)} is free");
            }
        }
        catch (ArgumentException)
        {
            // Not a local drive we can query (unusual mounts): the write itself will report a full disk.
        }
    }

    private static int OptionsValidatorPrototypes(RecSynthOptions options) => RecSynth.Internals.OptionsValidator.PrototypeCount(options.Catalog);

    private static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB";
}

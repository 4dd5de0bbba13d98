using System.Buffers;
using System.Runtime.InteropServices;
using RecSynth.Catalog;
using RecSynth.Configuration;

namespace RecSynth.Files.Internals;

/// <summary>Writes the catalogue: <c>products.csv</c>, <c>embeddings.npy</c>, optionally <c>item_factors.npy</c>.</summary>
internal static class CatalogStage
{
    public const string Name = "catalog";
    public const string Products = "products.csv";
    public const string Embeddings = "embeddings.npy";
    public const string ItemFactors = "item_factors.npy";
    public static readonly string[] AllFiles = [Products, Embeddings, ItemFactors];

    private const int CsvRowsPerChunk = 4096;

    public static IReadOnlyList<(string File, ManifestFile Entry)> Write(
        RecSynthOptions options, DatasetFormats formats, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        // products.csv and embeddings.npy are written at the same time: each file's hashing is sequential, so two
        // files in flight keep both cores busy where one would leave a core waiting on the other's hash. Products
        // are drawn from (seed, index) by the writers themselves (it costs ~0.1 µs), so writing starts at once.
        var model = new CatalogModel(options);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prototypes = Task.Run(() => new EmbeddingModel(options), failed.Token);
        var products = Task.Run(() => ProductsFiles(model, formats, staging, Math.Max(1, threads / 2), progress, failed.Token), failed.Token); // the light file: half the threads
        _ = products.ContinueWith(_ => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default); // stop the other writer at once
        ManifestFile embeddings;
        try
        {
            embeddings = EmbeddingsFile(options, model, prototypes.GetAwaiter().GetResult(), staging, threads, progress, failed.Token);
        }
        catch
        {
            failed.Cancel();
            Task.WaitAny([products], CancellationToken.None); // the staging folder is about to be deleted: let the other writer stop first
            throw;
        }

        var written = new List<(string File, ManifestFile Entry)>(products.GetAwaiter().GetResult()) { (Embeddings, embeddings) };
        if (options.Factors.Write)
        {
            written.Add((ItemFactors, FactorFile(Path.Combine(staging, ItemFactors), Name, model.Count, model.FactorDimensions, threads,
                (i, row) => model.ItemFactors(model.CreateItem((int)i), row), progress, cancellationToken)));
        }

        return written;
    }

    /// <summary>products.csv and products.parquet, as asked: each drawn from the model, in its own pass.</summary>
    private static List<(string File, ManifestFile Entry)> ProductsFiles(
        CatalogModel model, DatasetFormats formats, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var files = new List<(string File, ManifestFile Entry)>();
        if (formats.HasFlag(DatasetFormats.Csv))
        {
            files.Add((Products, ProductsFile(model, staging, threads, progress, cancellationToken)));
        }

        if (formats.HasFlag(DatasetFormats.Parquet))
        {
            var parquet = new ProductsParquet(model.Vocabulary);
            string name = ParquetTables.ParquetName(Products);
            files.Add((name, ParquetFile.Write(Path.Combine(staging, name), Products, ProductsCsv.Columns, Name, model.Count,
                (int i, ref ParquetRow row) => parquet.WriteRow(model.CreateItem(i), ref row), threads, progress, cancellationToken)));
        }

        return files;
    }

    private static ManifestFile ProductsFile(CatalogModel model, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var csv = new ProductsCsv(model.Vocabulary);
        return StagedFile.Write(Path.Combine(staging, Products), Name, ProductsCsv.Header, model.Count, CsvRowsPerChunk, threads, (first, count, buffer) =>
        {
            for (long i = first; i < first + count; i++)
            {
                var span = buffer.GetSpan(csv.MaxRowBytes);
                buffer.Advance(csv.WriteRow(model.CreateItem((int)i), span));
            }
        }, progress, cancellationToken);
    }

    private static ManifestFile EmbeddingsFile(
        RecSynthOptions options, CatalogModel model, EmbeddingModel embeddings, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int d = embeddings.Dimensions;
        bool float64 = options.Embedding.Dtype == EmbeddingDType.Float64;
        int rowsPerChunk = Math.Max(1, (1 << 20) / (d * (float64 ? 8 : 4)));
        byte[] header = NpyFormat.Header(float64 ? "<f8" : "<f4", model.Count, d);
        return StagedFile.Write(Path.Combine(staging, Embeddings), Name, header, model.Count, rowsPerChunk, threads, (first, count, buffer) =>
        {
            if (!float64)
            {
                var floats = MemoryMarshal.Cast<byte, float>(buffer.GetSpan(count * d * sizeof(float)))[..(count * d)];
                for (int r = 0; r < count; r++)
                {
                    embeddings.Compose(model.CreateItem((int)(first + r)), floats.Slice(r * d, d));
                }

                buffer.Advance(count * d * sizeof(float));
                return;
            }

            var vector = new float[d];
            var doubles = MemoryMarshal.Cast<byte, double>(buffer.GetSpan(count * d * sizeof(double)))[..(count * d)];
            for (int r = 0; r < count; r++)
            {
                embeddings.ComposeFloat64(model.CreateItem((int)(first + r)), doubles.Slice(r * d, d), vector);
            }

            buffer.Advance(count * d * sizeof(double));
        }, progress, cancellationToken, sizeHint: header.Length + (long)model.Count * d * (float64 ? 8 : 4));
    }

    /// <summary>A float32 [rows, dimensions] .npy of per-entity factors.</summary>
    internal static ManifestFile FactorFile(
        string path, string stage, int rows, int dimensions, int threads, Action<long, Span<float>> fill, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int rowsPerChunk = Math.Max(1, (1 << 18) / dimensions);
        byte[] header = NpyFormat.Header("<f4", rows, dimensions);
        return StagedFile.Write(path, stage, header, rows, rowsPerChunk, threads, (first, count, buffer) =>
        {
            var floats = MemoryMarshal.Cast<byte, float>(buffer.GetSpan(count * dimensions * sizeof(float)))[..(count * dimensions)];
            for (int r = 0; r < count; r++)
            {
                fill(first + r, floats.Slice(r * dimensions, dimensions));
            }

            buffer.Advance(count * dimensions * sizeof(float));
        }, progress, cancellationToken, sizeHint: header.Length + (long)rows * dimensions * sizeof(float));
    }
}

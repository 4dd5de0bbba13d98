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

    // keepEmbeddings: when the behaviour stage follows (a run of every stage), the array [products × dimensions] that
    // receives each composed float32 embedding too, for the world to be built from, so that none is composed twice.
    public static IReadOnlyList<(string File, ManifestFile Entry)> Write(
        RecSynthOptions options, DatasetFormats formats, string staging, int threads, float[]? keepEmbeddings, IProgress<GenerationProgress>? progress,
        CancellationToken cancellationToken)
    {
        // products.csv and embeddings.npy are written at the same time: each file's hashing is sequential, so two
        // files in flight keep both cores busy where one would leave a core waiting on the other's hash. Products
        // are drawn from (seed, index) by the writers themselves (it costs ~0.1 µs), so writing starts at once.
        var model = new CatalogModel(options);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prototypes = Task.Run(() => new EmbeddingRows(model, new EmbeddingModel(options), keepEmbeddings), failed.Token);
        var products = Task.Run(() => ProductsFiles(model, formats, staging, Math.Max(1, threads / 2), progress, failed.Token), failed.Token); // the light file: half the threads
        _ = products.ContinueWith(_ => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default); // stop the other writer at once
        ManifestFile embeddings;
        try
        {
            embeddings = EmbeddingsFile(options, model.Count, prototypes.GetAwaiter().GetResult(), staging, threads, progress, failed.Token);
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
        RecSynthOptions options, int count, EmbeddingRows embeddings, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int d = embeddings.Dimensions;
        bool float64 = options.Embedding.Dtype == EmbeddingDType.Float64;
        int rowsPerChunk = Math.Max(1, (1 << 20) / (d * (float64 ? 8 : 4)));
        byte[] header = NpyFormat.Header(float64 ? "<f8" : "<f4", count, d);
        return StagedFile.Write(Path.Combine(staging, Embeddings), Name, header, count, rowsPerChunk, threads, (first, rows, buffer) =>
        {
            if (!float64)
            {
                var floats = MemoryMarshal.Cast<byte, float>(buffer.GetSpan(rows * d * sizeof(float)))[..(rows * d)];
                for (int r = 0; r < rows; r++)
                {
                    embeddings.Float32((int)(first + r), floats.Slice(r * d, d));
                }

                buffer.Advance(rows * d * sizeof(float));
                return;
            }

            var vector = new float[d];
            var doubles = MemoryMarshal.Cast<byte, double>(buffer.GetSpan(rows * d * sizeof(double)))[..(rows * d)];
            for (int r = 0; r < rows; r++)
            {
                embeddings.Float64((int)(first + r), doubles.Slice(r * d, d), vector);
            }

            buffer.Advance(rows * d * sizeof(double));
        }, progress, cancellationToken, sizeHint: header.Length + (long)count * d * (float64 ? 8 : 4));
    }

    /// <summary>The rows of embeddings.npy, composed from the model; kept too, row by row, when asked (for the world to come).</summary>
    private sealed class EmbeddingRows(CatalogModel model, EmbeddingModel embeddings, float[]? keep)
    {
        public int Dimensions => embeddings.Dimensions;

        public void Float32(int item, Span<float> row)
        {
            if (keep is null)
            {
                embeddings.Compose(model.CreateItem(item), row);
                return;
            }

            var kept = keep.AsSpan(item * Dimensions, Dimensions);
            embeddings.Compose(model.CreateItem(item), kept);
            kept.CopyTo(row);
        }

        public void Float64(int item, Span<double> row, Span<float> scratch)
        {
            var composed = keep is null ? scratch[..Dimensions] : keep.AsSpan(item * Dimensions, Dimensions);
            embeddings.Compose(model.CreateItem(item), composed);
            EmbeddingModel.Widen(composed, row); // the row ComposeFloat64 makes
        }
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

using System.Buffers;
using System.Numerics.Tensors;
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

    public static IEnumerable<(string File, ManifestFile Entry)> Write(
        RecSynthOptions options, string staging, int threads, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var model = new CatalogModel(options);
        var items = new Item[model.Count];
        Parallel.For(0, (items.Length + CsvRowsPerChunk - 1) / CsvRowsPerChunk, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, chunk =>
        {
            int end = Math.Min(items.Length, (chunk + 1) * CsvRowsPerChunk);
            for (int i = chunk * CsvRowsPerChunk; i < end; i++)
            {
                items[i] = model.CreateItem(i);
            }
        });

        var csv = new ProductsCsv(model.Vocabulary);
        yield return (Products, StagedFile.Write(Path.Combine(staging, Products), Name, ProductsCsv.Header, items.Length, CsvRowsPerChunk, threads, (first, count, buffer) =>
        {
            for (long i = first; i < first + count; i++)
            {
                var span = buffer.GetSpan(csv.MaxRowBytes);
                buffer.Advance(csv.WriteRow(items[i], span));
            }
        }, progress, cancellationToken));

        var embeddings = new EmbeddingModel(options);
        int d = embeddings.Dimensions;
        bool float64 = options.Embedding.Dtype == EmbeddingDType.Float64;
        int rowsPerChunk = Math.Max(1, (1 << 20) / (d * (float64 ? 8 : 4)));
        byte[] header = NpyFormat.Header(float64 ? "<f8" : "<f4", items.Length, d);
        yield return (Embeddings, StagedFile.Write(Path.Combine(staging, Embeddings), Name, header, items.Length, rowsPerChunk, threads, (first, count, buffer) =>
        {
            var vector = new float[d];
            if (!float64)
            {
                var floats = MemoryMarshal.Cast<byte, float>(buffer.GetSpan(count * d * sizeof(float)))[..(count * d)];
                for (int r = 0; r < count; r++)
                {
                    embeddings.Compose(items[first + r], floats.Slice(r * d, d));
                }

                buffer.Advance(count * d * sizeof(float));
                return;
            }

            var doubles = MemoryMarshal.Cast<byte, double>(buffer.GetSpan(count * d * sizeof(double)))[..(count * d)];
            for (int r = 0; r < count; r++)
            {
                embeddings.Compose(items[first + r], vector);
                var row = doubles.Slice(r * d, d);
                for (int k = 0; k < d; k++)
                {
                    row[k] = vector[k];
                }

                // Re-normalise in double precision so every row has unit norm to float64 accuracy.
                TensorPrimitives.Divide(row, TensorPrimitives.Norm<double>(row), row);
            }

            buffer.Advance(count * d * sizeof(double));
        }, progress, cancellationToken));

        if (options.Factors.Write)
        {
            int f = model.Communities.Dimensions;
            yield return (ItemFactors, FactorFile(Path.Combine(staging, ItemFactors), Name, items.Length, f, threads, (i, row) => model.Communities.ItemFactors(items[i], row), progress, cancellationToken));
        }
    }

    /// <summary>A float32 [rows, dimensions] .npy of per-entity factors.</summary>
    internal static ManifestFile FactorFile(
        string path, string stage, int rows, int dimensions, int threads, Action<long, Span<float>> fill, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        int rowsPerChunk = Math.Max(1, (1 << 18) / dimensions);
        return StagedFile.Write(path, stage, NpyFormat.Header("<f4", rows, dimensions), rows, rowsPerChunk, threads, (first, count, buffer) =>
        {
            var floats = MemoryMarshal.Cast<byte, float>(buffer.GetSpan(count * dimensions * sizeof(float)))[..(count * dimensions)];
            for (int r = 0; r < count; r++)
            {
                fill(first + r, floats.Slice(r * dimensions, dimensions));
            }

            buffer.Advance(count * dimensions * sizeof(float));
        }, progress, cancellationToken);
    }
}

using System.Diagnostics;
using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Benchmarks;

/// <summary>
/// The image source's nearest-neighbour index against brute force, at catalogue sizes up to the large preset's:
/// <c>dotnet run -c Release --project bench/RecSynth.Benchmarks -- recall [products …]</c> (default 10,000, 100,000
/// and 1,000,000). The default configuration's embeddings and index settings; queries are products spread evenly
/// over the catalogue, each with its own embedding and left out of its answer, as the image source asks them.
/// Prints a Markdown table for docs/benchmarks.md.
/// </summary>
internal static class RecallMeasurement
{
    private const int Queries = 500;

    public static void Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(int.Parse)] : [10_000, 100_000, 1_000_000];
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {Queries} queries per size");
        Console.WriteLine();
        Console.WriteLine("| products | leaves | probes | recall@10 (± s.e.) | queries with recall@10 < 0.8 | recall@30 | index build s | search ms/query | brute force ms/query |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int products in sizes)
        {
            var options = new RecSynthOptions { Catalog = new CatalogOptions { Count = products }, Users = new UserOptions { Count = 1 } };
            var world = new World(options, Environment.ProcessorCount, CancellationToken.None);
            var image = options.Behaviour.Image;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
            var build = Stopwatch.StartNew();
            var index = new ImageIndex(world.Embeddings, world.D, image.CellSize, image.Probes, (ulong)options.Seed, parallel);
            build.Stop();

            int step = products / Queries;
            var at10 = new double[Queries];
            var at30 = new double[Queries];
            long searchTicks = 0, bruteTicks = 0;
            Parallel.For(0, Queries, parallel, q =>
            {
                int item = q * step;
                var query = world.Embedding(item);
                long start = Stopwatch.GetTimestamp();
                var approximate = index.Search(query, 30, item).Items;
                long middle = Stopwatch.GetTimestamp();
                var exact = index.BruteForce(query, 30, item).Items;
                long end = Stopwatch.GetTimestamp();
                Interlocked.Add(ref searchTicks, middle - start);
                Interlocked.Add(ref bruteTicks, end - middle);
                at10[q] = approximate.Take(10).Intersect(exact.Take(10)).Count() / 10.0;
                at30[q] = approximate.Intersect(exact).Count() / 30.0;
            });

            double mean = at10.Average();
            double error = Math.Sqrt(at10.Sum(r => (r - mean) * (r - mean)) / (Queries - 1) / Queries);
            double perQuery(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / Queries;
            Console.WriteLine(
                $"| {products:N0} | {index.Leaves:N0} | {image.Probes} | {mean:F4} (± {error:F4}) | {at10.Count(r => r < 0.8)} of {Queries} | {at30.Average():F4} | {build.Elapsed.TotalSeconds:F1} | {perQuery(searchTicks):F3} | {perQuery(bruteTicks):F1} |");
        }
    }
}

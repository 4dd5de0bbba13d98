using System.Numerics.Tensors;
using RecSynth.Files;

namespace RecSynth.Reports.Internals;

/// <summary>Mean cosine similarity of a kind of product pair, over a seeded sample of such pairs.</summary>
internal sealed record SimilarityGroup(string Name, int Pairs, double Mean, double StdDev);

/// <summary>
/// Cosine similarity of embeddings for pairs of products sharing a category, subcategory, style or color, against
/// random pairs: a fixed number of pairs per kind drawn from a fixed seed, so the report is the same every time.
/// </summary>
internal static class EmbeddingSimilarity
{
    public const int PairsPerGroup = 2_000;

    private const int Seed = 20_230_101;

    /// <exception cref="DatasetUsageException">embeddings.npy is unreadable or does not match products.csv.</exception>
    public static List<SimilarityGroup> Sample(string path, DatasetScan scan, CancellationToken cancellationToken)
    {
        EmbeddingsReader embeddings;
        try
        {
            embeddings = EmbeddingsReader.OpenFile(path);
        }
        catch (FormatException e)
        {
            throw new DatasetUsageException(e.Message, e);
        }

        using (embeddings)
        {
            int products = scan.Prices.Length;
            if (embeddings.Rows != products)
            {
                throw new DatasetUsageException($"{Path.GetFileName(path)} has {embeddings.Rows} rows but products.csv has {products} products: not the same catalogue");
            }

            var groups = new List<SimilarityGroup>();
            if (products < 2)
            {
                return groups;
            }

            var a = new double[embeddings.Dimensions]; // [dimensions]
            var b = new double[embeddings.Dimensions];
            var random = new Random(Seed);
            groups.Add(Measure("random pairs", () =>
            {
                int i = random.Next(products);
                return (i, (i + 1 + random.Next(products - 1)) % products);
            }));
            int[] category = scan.Attributes["category"].Codes;
            if (category.Distinct().Skip(1).Any())
            {
                groups.Add(Measure("different category", () =>
                {
                    while (true)
                    {
                        int i = random.Next(products), j = random.Next(products);
                        if (category[i] != category[j])
                        {
                            return (i, j);
                        }
                    }
                }));
            }

            foreach (string attribute in DatasetScan.KeptAttributes)
            {
                var (codes, values) = scan.Attributes[attribute];
                var members = new List<int>[values.Count];
                for (int p = 0; p < products; p++)
                {
                    (members[codes[p]] ??= []).Add(p);
                }

                // Products whose value another product shares; a pair is one of them and another of its group.
                int[] eligible = [.. Enumerable.Range(0, products).Where(p => members[codes[p]].Count > 1)];
                if (eligible.Length == 0)
                {
                    continue;
                }

                groups.Add(Measure("same " + attribute, () =>
                {
                    int i = eligible[random.Next(eligible.Length)];
                    var group = members[codes[i]];
                    int k = random.Next(group.Count - 1);
                    return (i, group[k] == i ? group[^1] : group[k]);
                }));
            }

            return groups;

            SimilarityGroup Measure(string name, Func<(int, int)> pick)
            {
                double sum = 0, squares = 0;
                for (int n = 0; n < PairsPerGroup; n++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (i, j) = pick();
                    embeddings.ReadRow(i, a);
                    embeddings.ReadRow(j, b);
                    double cosine = TensorPrimitives.CosineSimilarity<double>(a, b);
                    sum += cosine;
                    squares += cosine * cosine;
                }

                double mean = sum / PairsPerGroup;
                return new SimilarityGroup(name, PairsPerGroup, mean, Math.Sqrt(Math.Max(0, squares / PairsPerGroup - mean * mean)));
            }
        }
    }
}

using System.Numerics.Tensors;
using RecSynth.Catalog;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// docs/design.md §2.5 and §10, must hold (means of cosine similarity, ±0.05): different category ≈ 0.05, same category
/// and different subcategory ≈ 0.62, same subcategory and different color ≈ 0.76, same subcategory and color ≈ 0.82;
/// sharing pattern, material or brand within a category adds ≈ 0.05 each; for ≥ 90 % of products most of the 10 nearest
/// neighbours share the category.
/// </summary>
/// <remarks>
/// Pairs are drawn at random (fixed seed) from 20,000 products, 20,000 pairs per class. The cosine of a pair in one
/// class varies by about 0.04 (the shared pattern, material and brand, and the noise), so a class mean has a
/// standard error of about 0.0003, which each test also asserts (below 0.005): the design's ±0.05 band is then
/// a statement about the model, not about sampling luck.
/// </remarks>
public sealed class EmbeddingSimilarityTests(EmbeddingSample sample) : IClassFixture<EmbeddingSample>
{
    private const int Pairs = 20_000;
    private readonly Item[] _items = sample.Items;

    [Fact]
    public void Products_of_different_categories_have_mean_cosine_0_05() =>
        AssertMeanCosine(0.05, Cosines(1, Pairs, Candidates.Anyone, (a, b) => a.Category != b.Category), "different category");

    [Fact]
    public void Products_of_one_category_and_different_subcategories_have_mean_cosine_0_62() =>
        AssertMeanCosine(0.62, Cosines(2, Pairs, Candidates.SameCategory, (a, b) => a.Subcategory != b.Subcategory), "same category, different subcategory");

    [Fact]
    public void Products_of_one_subcategory_and_different_colors_have_mean_cosine_0_76() =>
        AssertMeanCosine(0.76, Cosines(3, Pairs, Candidates.SameSubcategory, (a, b) => a.Color != b.Color), "same subcategory, different color");

    [Fact]
    public void Products_of_one_subcategory_and_color_have_mean_cosine_0_82() =>
        AssertMeanCosine(0.82, Cosines(4, Pairs, Candidates.SameSubcategoryAndColor, (_, _) => true), "same subcategory and color");

    [Theory]
    [InlineData("pattern")]
    [InlineData("material")]
    [InlineData("brand")]
    public void Sharing_an_attribute_within_a_category_adds_about_0_05(string attribute)
    {
        // Within same-category, different-subcategory pairs every other attribute is drawn independently of this
        // one, so the difference of the mean cosine of pairs that share it and pairs that do not estimates its
        // weight without bias. 60,000 pairs, of which 13–27 % share the attribute: standard error of the
        // difference ≈ 0.035 · √(1/8,000 + 1/52,000) ≈ 0.0004. The design's ±0.05 would accept an attribute that
        // adds nothing, so the band is ±0.015: it separates 0.05 from 0 and from 0.1, and is > 30 standard errors wide.
        Func<Item, int> value = attribute switch
        {
            "pattern" => i => i.Pattern,
            "material" => i => i.Material,
            _ => i => i.Brand,
        };
        var pairs = DrawPairs(5, 60_000, Candidates.SameCategory, (a, b) => a.Subcategory != b.Subcategory);
        double[] sharing = [.. pairs.Where(p => value(_items[p.A]) == value(_items[p.B])).Select(p => sample.Cosine(p.A, p.B))];
        double[] notSharing = [.. pairs.Where(p => value(_items[p.A]) != value(_items[p.B])).Select(p => sample.Cosine(p.A, p.B))];
        double difference = Stats.Mean(sharing) - Stats.Mean(notSharing);
        double error = Math.Sqrt(Stats.Variance(sharing) / sharing.Length + Stats.Variance(notSharing) / notSharing.Length);
        Assert.True(error < 0.005, $"standard error {error} is too large for the check to mean anything");
        Stats.AssertNear(0.05, difference, 0.015, "cosine added by sharing the " + attribute);
    }

    [Fact]
    public void For_nine_in_ten_products_most_of_the_ten_nearest_neighbours_share_the_category()
    {
        // Exact nearest neighbours by brute force over the first 3,000 products (every pair).
        const int n = 3_000;
        const int k = 10;
        var mostlySame = new bool[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, i =>
        {
            var best = new (float Cosine, int Index)[k];
            Array.Fill(best, (float.NegativeInfinity, -1));
            var vi = sample.Vector(i);
            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                float cosine = TensorPrimitives.Dot(vi, sample.Vector(j));
                if (cosine > best[k - 1].Cosine)
                {
                    int at = k - 1;
                    while (at > 0 && best[at - 1].Cosine < cosine)
                    {
                        best[at] = best[at - 1];
                        at--;
                    }

                    best[at] = (cosine, j);
                }
            }

            mostlySame[i] = best.Count(b => _items[b.Index].Category == _items[i].Category) >= 6;
        });
        double share = mostlySame.Count(x => x) / (double)n;
        Assert.True(share >= 0.9, $"only {share:P1} of products have at least 6 of their 10 nearest neighbours in their category");
    }

    private static void AssertMeanCosine(double expected, double[] cosines, string what)
    {
        // The design's band is ±0.05 (docs/design.md §10); the sampling error is ~0.0003, so the model's own target
        // can be held to ±0.01, which also catches a lost component (e.g. embedding.global = 0 would give 0 instead of
        // 0.05 across categories).
        double error = Stats.StandardError(cosines);
        Assert.True(error < 0.002, $"{what}: standard error {error} is too large for the ±0.01 check to mean anything");
        Stats.AssertNear(expected, Stats.Mean(cosines), 0.01, "mean cosine, " + what);
    }

    private enum Candidates
    {
        Anyone,
        SameCategory,
        SameSubcategory,
        SameSubcategoryAndColor,
    }

    private double[] Cosines(int seed, int count, Candidates candidates, Func<Item, Item, bool> accept) =>
        [.. DrawPairs(seed, count, candidates, accept).Select(p => sample.Cosine(p.A, p.B))];

    /// <summary>Random pairs: a uniform first product, a uniform second among the candidates that it accepts.</summary>
    private List<(int A, int B)> DrawPairs(int seed, int count, Candidates candidates, Func<Item, Item, bool> accept)
    {
        int Key(Item i) => candidates switch
        {
            Candidates.Anyone => 0,
            Candidates.SameCategory => i.Category,
            Candidates.SameSubcategory => i.Subcategory,
            _ => i.Subcategory * 256 + i.Color,
        };
        var groups = _items.GroupBy(Key).ToDictionary(g => g.Key, g => g.Select(i => i.Index).ToArray());
        var random = new Random(seed);
        var pairs = new List<(int A, int B)>(count);
        while (pairs.Count < count)
        {
            var a = _items[random.Next(_items.Length)];
            int[] group = groups[Key(a)];
            var b = _items[group[random.Next(group.Length)]];
            if (a.Index != b.Index && accept(a, b))
            {
                pairs.Add((a.Index, b.Index));
            }
        }

        return pairs;
    }
}

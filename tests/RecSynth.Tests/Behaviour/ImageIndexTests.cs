using System.Numerics.Tensors;
using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// The image source's nearest-neighbour index (an inverted file over k-means cells) against brute force, and the
/// neighbour lists the slates are built from.
/// </summary>
public sealed class ImageIndexTests(ImageSourceSample sample) : IClassFixture<ImageSourceSample>
{
    private const int Queries = 300;

    [Fact]
    public void The_index_finds_at_least_95_percent_of_the_true_top_10()
    {
        // 300 products spread over the catalogue (every 66th), each queried with its own embedding and left out of
        // its answer, as the image source does. Recall@10 averages |index ∩ exact| / 10. The threshold is the
        // acceptance figure; over 300 queries the measured recall has a standard error of about 0.005. The exact top
        // 10 is ImageIndex.BruteForce's answer (checked against an independent scan below), found here with the same
        // scan through TensorPrimitives, which a debug build runs some ten times faster.
        var index = sample.Source.Index;
        var world = sample.World;
        double found = 0;
        int step = ImageSourceSample.Products / Queries;
        for (int q = 0; q < Queries; q++)
        {
            int item = q * step;
            var exact = Exact(item, 10);
            var approximate = index.Search(world.Embedding(item), 10, item).Items;
            Assert.Equal(10, approximate.Length);
            found += approximate.Intersect(exact).Count();
        }

        double recall = found / (10.0 * Queries);
        TestContext.Current.TestOutputHelper?.WriteLine($"recall@10 over {Queries} queries on {ImageSourceSample.Products:N0} products with {index.Leaves} leaves: {recall:P2}");
        Assert.True(recall >= 0.95, $"recall@10 is {recall:P2}, not >= 95 %");
    }

    [Fact]
    public void Brute_force_is_the_exact_top_by_cosine()
    {
        // The reference itself, against an independent scan (TensorPrimitives) of every product, for ten queries.
        var index = sample.Source.Index;
        var world = sample.World;
        for (int item = 0; item < ImageSourceSample.Products; item += 2_000)
        {
            var (items, similarities) = index.BruteForce(world.Embedding(item), 10, item);
            var exact = Exact(item, 10);
            Assert.DoesNotContain(item, items);
            for (int r = 0; r < 10; r++)
            {
                // Float sums in another order: the same ranking up to near-ties, the same cosines to 1e-5.
                Assert.Equal(TensorPrimitives.Dot(world.Embedding(item), world.Embedding(exact[r])), similarities[r], 1e-5);
            }

            Assert.True(items.Intersect(exact).Count() >= 9, $"brute force for item_{item}: [{string.Join(", ", items)}], exact [{string.Join(", ", exact)}]");
        }
    }

    [Fact]
    public void Neighbour_lists_are_sorted_by_similarity_and_hold_their_true_cosines()
    {
        var source = sample.Source;
        var world = sample.World;
        int expected = world.Options.Behaviour.Image.Neighbours;
        for (int item = 7; item < ImageSourceSample.Products; item += 97)
        {
            var (items, similarities) = Kept(source, item);
            Assert.Equal(expected, items.Length);
            Assert.Equal(items.Length, items.Distinct().Count());
            Assert.DoesNotContain(item, items);
            for (int r = 0; r < items.Length; r++)
            {
                if (r > 0)
                {
                    Assert.True(similarities[r] <= similarities[r - 1], $"neighbours of item_{item}: similarity {similarities[r]} at rank {r} above {similarities[r - 1]}");
                }

                Assert.Equal(TensorPrimitives.Dot(world.Embedding(item), world.Embedding(items[r])), similarities[r], 1e-5);
            }
        }
    }

    [Fact]
    public void The_neighbour_lists_found_all_at_once_are_each_products_own_search()
    {
        // ImageIndex.SearchAll (batched by leaf) against the plain search, one query at a time: same items, same bits.
        var source = sample.Source;
        var world = sample.World;
        int count = world.Options.Behaviour.Image.Neighbours;
        for (int item = 3; item < ImageSourceSample.Products; item += 41)
        {
            var (items, similarities) = source.Index.Search(world.Embedding(item), count, item);
            var kept = Kept(source, item);
            Assert.Equal(items, kept.Items);
            Assert.Equal(similarities, kept.Similarities);
        }
    }

    [Fact]
    public void A_world_that_gives_its_embeddings_back_hands_them_to_the_index_and_gets_the_same_lists()
    {
        // The index puts the world's matrix into leaf order in place (no copy) when the world gives its embeddings
        // back once the lists are built: the lists must be those of the index that copies them, bit for bit.
        var options = sample.World.Options;
        var token = TestContext.Current.CancellationToken;
        var world = new World(options, 2, token) { ReleaseEmbeddingsWhenIndexed = true };
        var source = new ImageSource(world, options.Behaviour.Image, (ulong)options.Seed, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = token });
        Assert.Equal(sample.Source.Rows, source.Rows);
        Assert.Throws<InvalidOperationException>(() => world.Embeddings); // the matrix is in leaf order now: nobody may read it
    }

    [Theory]
    [InlineData(1, 1, 512)]
    [InlineData(5, 7, 512)]
    [InlineData(64, 125, 512)]
    [InlineData(3, 6, 37)]
    public void Dot_products_taken_in_blocks_have_the_bits_of_one_dot_product_at_a_time(int rows, int centroids, int d)
    {
        // The index build and the probes score rows against centroids two by four at a time; the clusters and lists
        // are the same only if every score has VectorMath.Dot's bits. Odd row counts, centroid counts that are not a
        // multiple of four and a dimension that is not a multiple of eight take every remainder path.
        var random = new Random(5);
        var matrix = Enumerable.Range(0, (rows + 3) * d).Select(_ => random.NextSingle() - 0.5f).ToArray();
        int[] picked = [.. Enumerable.Range(0, rows).Select(i => (i * 7 + 2) % (rows + 3))];
        var centres = Enumerable.Range(0, centroids * d).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var scores = new float[rows * centroids];
        ImageIndex.Dots(matrix, picked, d, centres, scores);
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < centroids; c++)
            {
                float one = RecSynth.Internals.VectorMath.Dot(matrix.AsSpan(picked[i] * d, d), centres.AsSpan(c * d, d));
                Assert.Equal(BitConverter.SingleToInt32Bits(one), BitConverter.SingleToInt32Bits(scores[i * centroids + c]));
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(7, 3, 1)]
    [InlineData(1000, 5, 2)]
    [InlineData(1000, 5, 3)]
    public void Rows_permuted_in_place_are_the_rows_gathered_into_a_copy(int n, int d, int kind)
    {
        // kind 0: identity; 1: a random permutation; 2: one cycle through every row; 3: pairs swapped (many 2-cycles).
        var random = new Random(11);
        int[] order = kind switch
        {
            0 => [.. Enumerable.Range(0, n)],
            1 => [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())],
            2 => [.. Enumerable.Range(0, n).Select(p => (p + 1) % n)],
            _ => [.. Enumerable.Range(0, n).Select(p => (p ^ 1) < n ? p ^ 1 : p)],
        };
        var rows = Enumerable.Range(0, n * d).Select(_ => random.NextSingle()).ToArray();
        var gathered = new float[rows.Length];
        for (int p = 0; p < n; p++)
        {
            rows.AsSpan(order[p] * d, d).CopyTo(gathered.AsSpan(p * d, d));
        }

        ImageIndex.PermuteRows(rows, d, order);
        Assert.Equal(gathered, rows);
    }

    [Fact]
    public void A_users_visual_taste_is_a_product_of_their_primary_style_in_one_of_their_colors_listed_before_the_start()
    {
        var world = sample.World;
        foreach (var user in world.UserList)
        {
            int taste = sample.Source.TasteSeed(user);
            var seed = world.Items[taste];
            Assert.Equal(user.PrimaryStyle, seed.Style);
            Assert.True(((user.ColorMask >> seed.Color) & 1) != 0, $"U{user.Index}'s taste product has color {seed.Color}, not one of theirs");
            Assert.True(seed.ListedAt < world.Options.Time.StartSeconds);
            Assert.Equal(taste, sample.Source.TasteSeed(user)); // a fixed draw per user
        }
    }

    /// <summary>The <paramref name="count"/> products most similar to <paramref name="item"/> (itself left out), by a full scan.</summary>
    private int[] Exact(int item, int count)
    {
        var world = sample.World;
        var query = world.Embedding(item);
        var cosines = new float[ImageSourceSample.Products];
        for (int j = 0; j < cosines.Length; j++)
        {
            cosines[j] = j == item ? float.NegativeInfinity : TensorPrimitives.Dot(query, world.Embedding(j));
        }

        int[] order = [.. Enumerable.Range(0, cosines.Length)];
        Array.Sort(cosines, order);
        return [.. order[^count..].Reverse()];
    }

    /// <summary>The neighbour list the image source keeps for <paramref name="item"/>, as products and similarities.</summary>
    private static (int[] Items, float[] Similarities) Kept(ImageSource source, int item)
    {
        var list = source.Neighbours(item).ToArray();
        return ([.. list.Select(n => n.Item)], [.. list.Select(n => n.Similarity)]);
    }
}

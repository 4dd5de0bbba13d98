using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>
/// Nearest neighbours by embedding cosine without comparing all pairs: a two-level inverted file. Spherical k-means
/// splits the products into coarse cells, and each coarse cell into leaves of about <c>cell_size</c> products. A
/// query scores the coarse centroids, then the leaves of the best coarse cells, and compares itself exactly with
/// every product of the best <c>probes</c> leaves. Exact within that candidate set; its recall against brute force
/// is measured by a test and in docs/benchmarks.md. Deterministic: cells are built in a fixed order from seeded
/// samples, and every sum has a fixed order.
/// </summary>
internal sealed class ImageIndex
{
    private const int Iterations = 6;
    private const int SampleFactor = 32;

    private readonly float[]? _vectors; // [items, d], item order; null when the index took the caller's matrix for its own
    private readonly int _d;
    private readonly int _probes;
    private readonly Coarse[] _coarse;
    private readonly float[] _coarseCentroids; // [coarse cells, d]
    private readonly float[] _ordered; // [items, d], leaf by leaf: a probe streams one contiguous block
    private readonly int[] _orderedItems; // item at each ordered position

    /// <summary>
    /// Builds the index; <paramref name="progress"/> hears of the products filed into leaves, a coarse cell at a time
    /// (the coarse split before them is the phase's start). With <paramref name="takeVectors"/> the index puts
    /// <paramref name="vectors"/> itself into leaf order instead of copying it (at the large preset the copy is 1.9 GiB
    /// more at the run's peak): the caller must not read it afterwards, and <see cref="BruteForce"/> is not available.
    /// </summary>
    public ImageIndex(
        float[] vectors, int d, int cellSize, int probes, ulong seed, ParallelOptions parallel, IProgress<SimulationProgress>? progress = null, bool takeVectors = false)
    {
        _vectors = vectors;
        _d = d;
        _probes = probes;
        int n = vectors.Length / d;
        var filed = new PhaseCounter(progress, Phases.ImageIndex, n, "products");
        int leaves = Math.Max(1, (int)Math.Round(n / (double)cellSize));
        int coarseCount = Math.Max(1, (int)Math.Round(Math.Sqrt(leaves)));
        int[] all = [.. Enumerable.Range(0, n)];
        var coarse = Cluster(all, coarseCount, seed, 0, parallel, new SampleRows());
        _coarse = new Coarse[coarse.Centroids.Length / d];
        _coarseCentroids = coarse.Centroids;
        _orderedItems = new int[n];

        // Each coarse cell's products take the next block of the ordered positions, leaf by leaf: a cell knows where its
        // block starts before it is split, so cells are split in parallel into the same places as in turn.
        var offsets = new int[_coarse.Length];
        for (int c = 1; c < offsets.Length; c++)
        {
            offsets[c] = offsets[c - 1] + coarse.Members[c - 1].Length;
        }

        Parallel.For(0, _coarse.Length, parallel, () => new SampleRows(), (c, _, sampleRows) =>
        {
            int[] members = coarse.Members[c];
            int k = Math.Max(1, (int)Math.Round(members.Length / (double)cellSize));
            var split = Cluster(members, k, seed, c + 1, new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = parallel.CancellationToken }, sampleRows);
            var cell = new Coarse(split.Centroids, split.Members);
            int position = offsets[c];
            cell.Starts = new int[cell.Leaves.Length + 1];
            for (int l = 0; l < cell.Leaves.Length; l++)
            {
                cell.Starts[l] = position;
                foreach (int item in cell.Leaves[l])
                {
                    _orderedItems[position++] = item;
                }
            }

            cell.Starts[^1] = position;
            _coarse[c] = cell;
            filed.Add(members.Length);
            return sampleRows;
        }, _ => { });
        Leaves = _coarse.Sum(c => c.Leaves.Length);
        if (takeVectors)
        {
            PermuteRows(vectors, d, _orderedItems);
            _ordered = vectors;
            _vectors = null;
        }
        else
        {
            _ordered = new float[vectors.Length];
            Parallel.For(0, (n + 4095) / 4096, parallel, block =>
            {
                for (int position = block * 4096, end = Math.Min(n, (block + 1) * 4096); position < end; position++)
                {
                    vectors.AsSpan(_orderedItems[position] * d, d).CopyTo(_ordered.AsSpan(position * d, d));
                }
            });
        }
    }

    /// <summary>
    /// Puts the rows of <paramref name="rows"/> ([n, d]) into the order of <paramref name="order"/> in place: afterwards
    /// row p holds what row order[p] held. Each cycle of the permutation is followed once, with one row set aside.
    /// </summary>
    internal static void PermuteRows(float[] rows, int d, int[] order)
    {
        var done = new bool[order.Length];
        var first = new float[d];
        for (int start = 0; start < order.Length; start++)
        {
            if (done[start])
            {
                continue;
            }

            rows.AsSpan(start * d, d).CopyTo(first);
            int position = start;
            while (true)
            {
                done[position] = true;
                int from = order[position];
                if (from == start)
                {
                    first.CopyTo(rows.AsSpan(position * d, d));
                    break;
                }

                rows.AsSpan(from * d, d).CopyTo(rows.AsSpan(position * d, d));
                position = from;
            }
        }
    }

    public int Leaves { get; }

    /// <summary>The <paramref name="count"/> most similar products to <paramref name="query"/> (best first), leaving out <paramref name="exclude"/>.</summary>
    public (int[] Items, float[] Similarities) Search(ReadOnlySpan<float> query, int count, int exclude)
    {
        var best = new TopK(count);
        foreach (int key in ProbeAll(query.ToArray(), [0])[0])
        {
            var cell = _coarse[key >> 16];
            int leaf = key & 0xFFFF;
            for (int position = cell.Starts[leaf]; position < cell.Starts[leaf + 1]; position++)
            {
                int item = _orderedItems[position];
                if (item != exclude)
                {
                    best.Offer(item, VectorMath.Dot(query, _ordered.AsSpan(position * _d, _d)));
                }
            }
        }

        return best.Sorted();
    }

    /// <summary>
    /// What <see cref="Search"/> answers for every product (its own embedding as the query, itself left out), for all
    /// products at once: the queries of one leaf probe much the same leaves, so each probed leaf is read once for all
    /// of them while it is in cache, instead of once per query. Each query's candidates and dot products are those of
    /// <see cref="Search"/>, so the lists are the same. They come as one array: per product a row of
    /// <paramref name="count"/> + 1 entries, its list's length (in Item), then its list, best first (the layout of
    /// <see cref="ImageSource.Rows"/>).
    /// </summary>
    /// <remarks><paramref name="progress"/> hears of the products whose lists are done, a leaf at a time.</remarks>
    public Neighbour[] SearchAll(int count, ParallelOptions parallel, IProgress<SimulationProgress>? progress = null)
    {
        var rows = new Neighbour[(long)_orderedItems.Length * (count + 1)];
        var done = new PhaseCounter(progress, Phases.NeighbourLists, _orderedItems.Length, "products");
        int[] keys = [.. _coarse.SelectMany((cell, c) => Enumerable.Range(0, cell.Leaves.Length).Select(l => c << 16 | l))];
        Parallel.For(0, keys.Length, parallel, k =>
        {
            SearchLeaf(keys[k], count, rows);
            var cell = _coarse[keys[k] >> 16];
            int leaf = keys[k] & 0xFFFF;
            done.Add(cell.Starts[leaf + 1] - cell.Starts[leaf]);
        });
        return rows;
    }

    /// <summary>
    /// <see cref="SearchAll"/> for the products of one leaf (leafKey: coarse &lt;&lt; 16 | leaf). Optimised at once by a JIT
    /// (a few hundred long calls: waiting for them to be counted would run most of the search unoptimised).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void SearchLeaf(int leafKey, int count, Neighbour[] rows)
    {
        var group = _coarse[leafKey >> 16];
        int leaf = leafKey & 0xFFFF;
        int first = group.Starts[leaf], members = group.Starts[leaf + 1] - first;
        var best = new TopK[members];
        var queriesByLeaf = new SortedDictionary<int, List<int>>(); // probed leaf key → the members that probe it
        var leavesProbed = ProbeAll(_ordered, [.. Enumerable.Range(first, members)]);
        for (int m = 0; m < members; m++)
        {
            best[m] = new TopK(count);
            foreach (int key in leavesProbed[m])
            {
                if (!queriesByLeaf.TryGetValue(key, out var queries))
                {
                    queriesByLeaf[key] = queries = [];
                }

                queries.Add(m);
            }
        }

        Span<float> dots = stackalloc float[8];
        foreach (var (key, queries) in queriesByLeaf)
        {
            var cell = _coarse[key >> 16];
            int probed = key & 0xFFFF;
            int start = cell.Starts[probed], end = cell.Starts[probed + 1];
            // Two queries by four products at a time; what is left over, by two or one.
            int position = start;
            for (; position + 4 <= end; position += 4)
            {
                int q = 0;
                for (; q + 1 < queries.Count; q += 2)
                {
                    int m1 = queries[q], m2 = queries[q + 1];
                    VectorMath.Dot2x4(Ordered(first + m1), Ordered(first + m2), Ordered(position), Ordered(position + 1), Ordered(position + 2), Ordered(position + 3), dots);
                    for (int r = 0; r < 4; r++)
                    {
                        int item = _orderedItems[position + r];
                        Offer(best[m1], item, dots[2 * r], _orderedItems[first + m1]);
                        Offer(best[m2], item, dots[2 * r + 1], _orderedItems[first + m2]);
                    }
                }

                if (q < queries.Count)
                {
                    for (int r = 0; r < 4; r++)
                    {
                        OfferRow(queries, q, position + r, first, best);
                    }
                }
            }

            for (; position < end; position++)
            {
                OfferRow(queries, 0, position, first, best);
            }
        }

        for (int m = 0; m < members; m++)
        {
            var (items, similarities) = best[m].Sorted();
            long row = (long)_orderedItems[first + m] * (count + 1);
            rows[row] = new Neighbour(items.Length, 0);
            for (int j = 0; j < items.Length; j++)
            {
                rows[row + 1 + j] = new Neighbour(items[j], similarities[j]);
            }
        }
    }

    private ReadOnlySpan<float> Ordered(int position) => _ordered.AsSpan(position * _d, _d);

    /// <summary>Offers the product at <paramref name="position"/> to the queries from the <paramref name="from"/>-th on, two at a time.</summary>
    private void OfferRow(List<int> queries, int from, int position, int first, TopK[] best)
    {
        int item = _orderedItems[position];
        var row = Ordered(position);
        int q = from;
        for (; q + 1 < queries.Count; q += 2)
        {
            int m1 = queries[q], m2 = queries[q + 1];
            var (dot1, dot2) = VectorMath.Dot2(Ordered(first + m1), Ordered(first + m2), row);
            Offer(best[m1], item, dot1, _orderedItems[first + m1]);
            Offer(best[m2], item, dot2, _orderedItems[first + m2]);
        }

        if (q < queries.Count)
        {
            int m = queries[q];
            Offer(best[m], item, VectorMath.Dot(Ordered(first + m), row), _orderedItems[first + m]);
        }
    }

    /// <summary>Offers a product to a query's list unless it is the query itself.</summary>
    private static void Offer(TopK best, int item, float similarity, int query)
    {
        if (item != query)
        {
            best.Offer(item, similarity);
        }
    }

    /// <summary>
    /// The leaves to search for each query (rows <paramref name="queries"/> of <paramref name="matrix"/>): the best
    /// leaves of its best few coarse cells (keys: coarse &lt;&lt; 16 | leaf). The dot products are taken two queries by
    /// four centroids at a time (<see cref="Dots"/>), so that each centroid is read once for two queries; a leaf's
    /// queries probe much the same coarse cells, whose leaf centroids are then read for all of the queries that probe them.
    /// </summary>
    private int[][] ProbeAll(float[] matrix, int[] queries)
    {
        int d = _d, coarseCount = _coarse.Length, count = queries.Length;
        int coarseProbes = Math.Min(coarseCount, Math.Max(1, (_probes + 1) / 2));
        var coarseScores = new float[count * coarseCount];
        Dots(matrix, queries, d, _coarseCentroids, coarseScores);
        var coarseBest = new TopK(coarseProbes);
        var byCell = new List<int>?[coarseCount]; // coarse cell → the queries (by member) that probe it
        for (int m = 0; m < count; m++)
        {
            coarseBest.Reset();
            for (int c = 0; c < coarseCount; c++)
            {
                coarseBest.Offer(c, coarseScores[m * coarseCount + c]);
            }

            foreach (int c in coarseBest.Indices())
            {
                (byCell[c] ??= []).Add(m);
            }
        }

        // A TopK's list does not depend on the order of its offers (ties go to the lower key).
        var leafBest = new TopK[count];
        for (int m = 0; m < count; m++)
        {
            leafBest[m] = new TopK(_probes);
        }

        var leafScores = Array.Empty<float>();
        var cellQueries = new List<int>();
        for (int c = 0; c < coarseCount; c++)
        {
            if (byCell[c] is not { } members)
            {
                continue;
            }

            var cell = _coarse[c];
            int leaves = cell.Leaves.Length;
            if (leafScores.Length < members.Count * leaves)
            {
                leafScores = new float[members.Count * leaves];
            }

            cellQueries.Clear();
            foreach (int m in members)
            {
                cellQueries.Add(queries[m]);
            }

            Dots(matrix, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cellQueries), d, cell.LeafCentroids, leafScores);
            for (int j = 0; j < members.Count; j++)
            {
                var best = leafBest[members[j]];
                for (int l = 0; l < leaves; l++)
                {
                    best.Offer(c << 16 | l, leafScores[j * leaves + l]);
                }
            }
        }

        return [.. leafBest.Select(best => best.Indices().ToArray())];
    }

    /// <summary>
    /// scores[i × centroids + c] = <see cref="VectorMath.Dot"/>(row <paramref name="rows"/>[i] of
    /// <paramref name="matrix"/>, centroid c), with Dot's bits: two rows by four centroids at a time
    /// (<see cref="VectorMath.Dot2x4"/>), the centroids read once for both rows.
    /// </summary>
    internal static void Dots(float[] matrix, ReadOnlySpan<int> rows, int d, ReadOnlySpan<float> centroids, Span<float> scores)
    {
        int k = centroids.Length / d;
        Span<float> dots = stackalloc float[8];
        int i = 0;
        for (; i + 1 < rows.Length; i += 2)
        {
            var a0 = matrix.AsSpan(rows[i] * d, d);
            var a1 = matrix.AsSpan(rows[i + 1] * d, d);
            var s0 = scores.Slice(i * k, k);
            var s1 = scores.Slice((i + 1) * k, k);
            int c = 0;
            for (; c + 4 <= k; c += 4)
            {
                VectorMath.Dot2x4(a0, a1, centroids.Slice(c * d, d), centroids.Slice((c + 1) * d, d), centroids.Slice((c + 2) * d, d), centroids.Slice((c + 3) * d, d), dots);
                (s0[c], s1[c], s0[c + 1], s1[c + 1]) = (dots[0], dots[1], dots[2], dots[3]);
                (s0[c + 2], s1[c + 2], s0[c + 3], s1[c + 3]) = (dots[4], dots[5], dots[6], dots[7]);
            }

            for (; c < k; c++)
            {
                (s0[c], s1[c]) = VectorMath.Dot2(a0, a1, centroids.Slice(c * d, d));
            }
        }

        if (i < rows.Length)
        {
            var a = matrix.AsSpan(rows[i] * d, d);
            for (int c = 0; c < k; c++)
            {
                scores[i * k + c] = VectorMath.Dot(a, centroids.Slice(c * d, d));
            }
        }
    }

    /// <summary>The exact answer, by comparing with every product: for measuring recall.</summary>
    public (int[] Items, float[] Similarities) BruteForce(ReadOnlySpan<float> query, int count, int exclude)
    {
        var vectors = _vectors ?? throw new InvalidOperationException("the index took its vectors into leaf order: no brute force");
        var best = new TopK(count);
        int n = vectors.Length / _d;
        for (int item = 0; item < n; item++)
        {
            if (item != exclude)
            {
                best.Offer(item, VectorMath.Dot(query, vectors.AsSpan(item * _d, _d)));
            }
        }

        return best.Sorted();
    }

    /// <summary>Spherical k-means of <paramref name="members"/> into at most <paramref name="k"/> cells (k-means++ seeds on a sample).</summary>
    private (float[] Centroids, int[][] Members) Cluster(int[] members, int k, ulong seed, long stream, ParallelOptions parallel, SampleRows sampleRows)
    {
        int d = _d;
        k = Math.Min(k, members.Length);
        if (k <= 1)
        {
            return (Mean(members), [members]);
        }

        var random = new EntityRandom(seed, RandomStream.ImageIndex, stream);
        int[] sample = Sample(members, Math.Min(members.Length, SampleFactor * k), ref random);
        // The sample's rows side by side: the seeding reads every one of them once per seed, which from rows spread over
        // the whole matrix waits on memory; a block of its own is read in a stream (docs/design.md §4.5).
        var rows = sampleRows.Take(sample.Length * d);
        for (int i = 0; i < sample.Length; i++)
        {
            Row(sample[i]).CopyTo(rows.AsSpan(i * d, d));
        }

        int[] places = [.. Enumerable.Range(0, sample.Length)];
        var centroids = SeedCentroids(rows, places.Length, k, ref random);
        var assignment = new int[sample.Length];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            Assign(rows, places, centroids, k, assignment, parallel);
            centroids = Means(rows, places, assignment, k, centroids);
        }

        var all = new int[members.Length];
        Assign(_vectors!, members, centroids, k, all, parallel);
        var groups = new List<int>[k];
        for (int c = 0; c < k; c++)
        {
            groups[c] = [];
        }

        for (int i = 0; i < members.Length; i++)
        {
            groups[all[i]].Add(members[i]);
        }

        // Drop empty cells so every probe finds products.
        var kept = Enumerable.Range(0, k).Where(c => groups[c].Count > 0).ToArray();
        var keptCentroids = new float[kept.Length * d];
        for (int i = 0; i < kept.Length; i++)
        {
            centroids.AsSpan(kept[i] * d, d).CopyTo(keptCentroids.AsSpan(i * d, d));
        }

        return (keptCentroids, [.. kept.Select(c => groups[c].ToArray())]);
    }

    private static int[] Sample(int[] members, int size, ref EntityRandom random)
    {
        if (size >= members.Length)
        {
            return members;
        }

        // A partial Fisher–Yates shuffle of a copy, sorted back so that later sums run in item order.
        int[] copy = [.. members];
        for (int i = 0; i < size; i++)
        {
            int j = i + random.NextInt(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        int[] sample = copy[..size];
        Array.Sort(sample);
        return sample;
    }

    /// <summary>k-means++: each next seed drawn with probability proportional to its distance to the nearest seed so far.</summary>
    private float[] SeedCentroids(float[] rows, int count, int k, ref EntityRandom random)
    {
        int d = _d;
        var centroids = new float[k * d];
        var distance = new double[count];
        ReadOnlySpan<float> SampleRow(int i) => rows.AsSpan(i * d, d);
        SampleRow(random.NextInt(count)).CopyTo(centroids.AsSpan(0, d));
        for (int i = 0; i < count; i++)
        {
            distance[i] = Math.Max(0, 1 - VectorMath.Dot(SampleRow(i), centroids.AsSpan(0, d)));
        }

        for (int c = 1; c < k; c++)
        {
            double total = 0;
            foreach (double x in distance)
            {
                total += x;
            }

            double u = random.NextDouble() * total;
            int pick = count - 1;
            for (int i = 0; i < count; i++)
            {
                u -= distance[i];
                if (u < 0)
                {
                    pick = i;
                    break;
                }
            }

            SampleRow(pick).CopyTo(centroids.AsSpan(c * d, d));
            for (int i = 0; i < count; i++)
            {
                distance[i] = Math.Min(distance[i], Math.Max(0, 1 - VectorMath.Dot(SampleRow(i), centroids.AsSpan(c * d, d))));
            }
        }

        return centroids;
    }

    /// <summary>Each of the <paramref name="points"/> (rows of <paramref name="vectors"/>) to its most similar centroid.</summary>
    private void Assign(float[] vectors, int[] points, float[] centroids, int k, int[] assignment, ParallelOptions parallel)
    {
        int d = _d;
        const int Block = 64; // points whose scores are taken at once (Dots), the first best centroid kept for each
        Parallel.For(0, (points.Length + Block - 1) / Block, parallel, () => new float[Block * k], (block, _, scores) =>
        {
            int start = block * Block, end = Math.Min(points.Length, start + Block);
            Dots(vectors, points.AsSpan(start, end - start), d, centroids.AsSpan(0, k * d), scores);
            for (int i = start; i < end; i++)
            {
                var row = scores.AsSpan((i - start) * k, k);
                int best = 0;
                float bestScore = float.NegativeInfinity;
                for (int c = 0; c < k; c++)
                {
                    if (row[c] > bestScore)
                    {
                        (best, bestScore) = (c, row[c]);
                    }
                }

                assignment[i] = best;
            }

            return scores;
        }, _ => { });
    }

    /// <summary>Normalised cluster means, summed in point order; an empty cluster keeps its centroid.</summary>
    private float[] Means(float[] vectors, int[] points, int[] assignment, int k, float[] previous)
    {
        int d = _d;
        var sums = new double[k * d];
        var counts = new int[k];
        for (int i = 0; i < points.Length; i++)
        {
            int c = assignment[i];
            counts[c]++;
            var row = vectors.AsSpan(points[i] * d, d);
            for (int j = 0; j < d; j++)
            {
                sums[c * d + j] += row[j];
            }
        }

        var centroids = new float[k * d];
        for (int c = 0; c < k; c++)
        {
            if (counts[c] == 0)
            {
                previous.AsSpan(c * d, d).CopyTo(centroids.AsSpan(c * d, d));
                continue;
            }

            Normalise(sums.AsSpan(c * d, d), centroids.AsSpan(c * d, d));
        }

        return centroids;
    }

    private float[] Mean(int[] points)
    {
        var sums = new double[_d];
        foreach (int p in points)
        {
            var row = Row(p);
            for (int j = 0; j < _d; j++)
            {
                sums[j] += row[j];
            }
        }

        var centroid = new float[_d];
        Normalise(sums, centroid);
        return centroid;
    }

    private static void Normalise(ReadOnlySpan<double> sums, Span<float> destination)
    {
        double norm = 0;
        foreach (double x in sums)
        {
            norm += x * x;
        }

        norm = norm > 0 ? Math.Sqrt(norm) : 1;
        for (int j = 0; j < sums.Length; j++)
        {
            destination[j] = (float)(sums[j] / norm);
        }
    }

    private ReadOnlySpan<float> Row(int item) => _vectors!.AsSpan(item * _d, _d); // while the index is built, or kept without taking them

    /// <summary>
    /// A worker's room for a sample's rows, kept from one cell to the next: a new block per cell would leave a large
    /// object behind each time, and at the large preset those add up to most of a gigabyte before a full collection.
    /// </summary>
    private sealed class SampleRows
    {
        private float[] _rows = [];

        /// <summary>At least <paramref name="length"/> floats (their contents are overwritten by the caller).</summary>
        public float[] Take(int length) => _rows.Length >= length ? _rows : _rows = new float[length];
    }

    private sealed class Coarse(float[] leafCentroids, int[][] leaves)
    {
        /// <summary>[leaves, d].</summary>
        public float[] LeafCentroids { get; } = leafCentroids;

        public int[][] Leaves { get; } = leaves;

        /// <summary>Where each leaf starts in the ordered vectors (and where the last ends).</summary>
        public int[] Starts { get; set; } = [];
    }
}

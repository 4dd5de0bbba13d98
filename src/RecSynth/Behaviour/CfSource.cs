using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>
/// The CF source: ranks products as a well-trained CF model would, by taste match (user · item factors) plus
/// standardised popularity, with per-session noise. Each user's candidate list is the top of that score; it is found
/// from per-community pools (the items best for each taste community's centroid), not by scoring every product, so it
/// scales to millions of products. A user CF does not know yet (too few likes or purchases) gets the popular items.
/// </summary>
internal sealed class CfSource
{
    private const int PoolCommunities = 3;
    private readonly World _world;
    private readonly CfSourceOptions _options;
    private readonly int[][] _pools; // per community: best items for its centroid
    private readonly ulong[][] _overlap; // [community a × communities + b]: a bit per place in a's pool, set when b's pool holds that product too
    private readonly float[][] _poolFactors; // per community: [pool, F], the factor rows of its pool in pool order
    private readonly float[][] _poolPopularity; // per community: [pool], the score's popularity term
    private readonly int[] _popular; // the most popular items
    private readonly float[] _popularScores;
    private readonly int[] _poolItems; // every pool, one after the other: what a kept candidate's 16-bit code stands for
    private readonly int[]? _codeOf; // per item, its first place in _poolItems (null: more than 16 bits of places)

    /// <summary>Finds the pools; <paramref name="progress"/> hears of each community's.</summary>
    public CfSource(World world, CfSourceOptions options, ParallelOptions parallel, IProgress<SimulationProgress>? progress = null)
        : this(world, options, Pools(world, options, parallel, progress))
    {
    }

    /// <summary>The source on pools found before (<see cref="PoolRows"/> of a source of the same world and options).</summary>
    public CfSource(World world, CfSourceOptions options, int[] poolRows)
        : this(world, options, Split(poolRows, world.Communities.Count, PoolSize(world, options)))
    {
    }

    private CfSource(World world, CfSourceOptions options, int[][] pools)
    {
        _world = world;
        _options = options;
        int n = world.Items.Length;
        _pools = pools;
        _overlap = Overlaps(pools);

        // A user's candidates are scored from their pools: kept in pool order, the rows are read one after the other.
        int f = world.F;
        _poolFactors = [.. _pools.Select(pool =>
        {
            var rows = new float[pool.Length * f];
            for (int j = 0; j < pool.Length; j++)
            {
                world.ItemFactor(pool[j]).CopyTo(rows.AsSpan(j * f, f));
            }

            return rows;
        })];
        _poolPopularity = [.. _pools.Select(pool => pool.Select(item => (float)options.PopularityWeight * world.ZPopularity[item]).ToArray())];

        var popular = new TopK(Math.Min(n, options.Candidates));
        for (int i = 0; i < n; i++)
        {
            popular.Offer(i, (float)options.PopularityWeight * world.ZPopularity[i]);
        }

        (_popular, _popularScores) = popular.Sorted();
        _poolItems = [.. _pools.SelectMany(pool => pool)];
        if (_poolItems.Length <= ushort.MaxValue + 1)
        {
            _codeOf = new int[n];
            for (int place = _poolItems.Length - 1; place >= 0; place--)
            {
                _codeOf[_poolItems[place]] = place;
            }
        }
    }

    /// <summary>
    /// For each pair of pools, which places of the first hold a product the second holds too: a user's candidates come
    /// from three pools, and a product of two is scored once, from the first (a few bits per place instead of a look-up
    /// in a table by product, a cache miss each at a million products).
    /// </summary>
    private static ulong[][] Overlaps(int[][] pools)
    {
        var overlap = new ulong[pools.Length * pools.Length][];
        for (int b = 0; b < pools.Length; b++)
        {
            var members = pools[b].ToHashSet();
            for (int a = 0; a < pools.Length; a++)
            {
                var bits = new ulong[(pools[a].Length + 63) / 64];
                for (int j = 0; j < pools[a].Length; j++)
                {
                    if (a != b && members.Contains(pools[a][j]))
                    {
                        bits[j >> 6] |= 1UL << j;
                    }
                }

                overlap[a * pools.Length + b] = bits;
            }
        }

        return overlap;
    }

    /// <summary>
    /// A user's <see cref="Candidates(int, Search)"/> (<paramref name="items"/> and <paramref name="scores"/>), packed to be kept for the rest of the run, in
    /// <paramref name="store"/>'s blocks (a worker's).
    /// </summary>
    public CfCandidates Keep(ReadOnlySpan<int> items, ReadOnlySpan<float> scores, ReadOnlySpan<int> bought, CfCandidates.Store store) =>
        new(items, scores, bought, _poolItems, _codeOf, store);

    /// <summary>A worker's working memory for <see cref="Candidates(int, Search)"/>.</summary>
    public Search NewSearch() => new(Math.Min(PoolCommunities, _world.Communities.Count), Math.Min(_options.Candidates, _world.Items.Length));

    /// <summary>
    /// What a search for a user's candidates works in, reused from user to user: a user warms up once, but at a million
    /// users the lists a search would allocate are most of what the weeks allocate, and each collection they cause
    /// stops every worker while it scans the users' states (docs/benchmarks.md, "The seventh step").
    /// </summary>
    internal sealed class Search(int communities, int candidates)
    {
        public TopK Nearest { get; } = new(communities);

        public TopK Best { get; } = new(candidates);
    }

    /// <summary>Every community's pool, one after the other (each of the same length).</summary>
    public int[] PoolRows => [.. _poolItems];

    private static int PoolSize(World world, CfSourceOptions options) => Math.Min(world.Items.Length, 2 * options.Candidates);

    /// <summary>Per community, the products best for its centroid (factor score and popularity).</summary>
    private static int[][] Pools(World world, CfSourceOptions options, ParallelOptions parallel, IProgress<SimulationProgress>? progress)
    {
        int n = world.Items.Length;
        int poolSize = PoolSize(world, options);
        var communities = world.Communities;
        var pools = new int[communities.Count][];
        var pooled = new PhaseCounter(progress, Phases.CfPools, communities.Count, "communities");
        Parallel.For(0, communities.Count, parallel, c =>
        {
            var centroid = communities.Centroid(c);
            var best = new TopK(poolSize);
            for (int i = 0; i < n; i++)
            {
                best.Offer(i, VectorMath.Dot(centroid, world.ItemFactor(i)) + (float)options.PopularityWeight * world.ZPopularity[i]);
            }

            pools[c] = best.Sorted().Items;
            pooled.Add(1);
        });
        return pools;
    }

    private static int[][] Split(int[] rows, int communities, int poolSize) =>
        rows.Length == (long)communities * poolSize
            ? [.. Enumerable.Range(0, communities).Select(c => rows[(c * poolSize)..((c + 1) * poolSize)])]
            : throw new ArgumentException($"holds {rows.Length} products, not communities × pool size ({communities} × {poolSize})", nameof(rows));

    /// <summary>A user's candidates (best first) and their scores, once CF knows the user.</summary>
    public (int[] Items, float[] Scores) Candidates(int user) => Candidates(user, NewSearch()).Sorted();

    /// <summary>
    /// <see cref="Candidates(int)"/> in <paramref name="search"/>'s memory: the list returned (its indices the
    /// products) is the search's own, until its next search.
    /// </summary>
    public TopK Candidates(int user, Search search)
    {
        var factor = _world.UserFactor(user);
        var communities = _world.Communities;

        // The pools of the communities whose centroids the user is closest to.
        var nearest = search.Nearest.Reset();
        for (int c = 0; c < communities.Count; c++)
        {
            nearest.Offer(c, VectorMath.Dot(factor, communities.Centroid(c)));
        }

        var best = search.Best.Reset();
        var chosen = nearest.IndexSpan; // nearest is not offered to again below
        int f = _world.F;
        Span<ulong> seen = stackalloc ulong[(_pools[0].Length + 63) / 64];
        for (int p = 0; p < chosen.Length; p++)
        {
            int[] pool = _pools[chosen[p]];
            float[] rows = _poolFactors[chosen[p]], popularity = _poolPopularity[chosen[p]];

            // An item in an earlier pool was scored already.
            seen.Clear();
            for (int q = 0; q < p; q++)
            {
                var overlap = _overlap[chosen[p] * _pools.Length + chosen[q]];
                for (int w = 0; w < seen.Length; w++)
                {
                    seen[w] |= overlap[w];
                }
            }

            for (int j = 0; j < pool.Length; j++)
            {
                if ((seen[j >> 6] & (1UL << j)) == 0)
                {
                    best.Offer(pool[j], VectorMath.Dot(factor, rows.AsSpan(j * f, f)) + popularity[j]);
                }
            }
        }

        return best;
    }

    /// <summary>What CF recommends to a user it does not know yet: the popular items.</summary>
    public (int[] Items, float[] Scores) Popular => (_popular, _popularScores);
}

using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// The image source: products most similar (embedding cosine) to what the user recently liked or bought, the most
/// recent counting most; a user without history gets products similar to their visual taste (a product of their
/// primary style in one of their colors). Every product's neighbour list is looked up in the index up front, all
/// at once (which reads the index far less than a search per anchor), and kept.
/// </summary>
internal sealed class ImageSource
{
    private readonly World _world;
    private readonly ImageSourceOptions _options;
    private readonly ImageIndex? _index;
    private readonly Neighbour[] _neighbours; // per product a row: its count (in Item), then its neighbours, best first
    private readonly int _row;
    private readonly int[][] _tasteItems; // per (style, color): products listed before the start
    private readonly ulong _seed;
    private readonly int _colors;

    /// <summary>
    /// Finds every product's neighbour list. The index is kept for <see cref="Index"/> only when
    /// <paramref name="keepIndex"/> (the lists do not need it: otherwise its copy of the embeddings is freed with it).
    /// <paramref name="progress"/> hears of the index build, then of the neighbour lists.
    /// </summary>
    public ImageSource(World world, ImageSourceOptions options, ulong seed, ParallelOptions parallel, bool keepIndex = false, IProgress<SimulationProgress>? progress = null)
        : this(world, options, seed, Search(world, options, seed, parallel, keepIndex, progress, out var index), index)
    {
        if (!keepIndex && !world.ReleaseEmbeddingsWhenIndexed)
        {
            GiveBackMemory(world.D, world.Items.Length);
        }
    }

    /// <summary>The source on neighbour lists found before (<see cref="Rows"/> of a source of the same world, options and seed).</summary>
    public ImageSource(World world, ImageSourceOptions options, ulong seed, Neighbour[] rows)
        : this(world, options, seed, rows, null)
    {
        if (rows.Length != (long)world.Items.Length * (options.Neighbours + 1))
        {
            throw new ArgumentException($"holds {rows.Length} entries, not products × (neighbours + 1)", nameof(rows));
        }
    }

    private ImageSource(World world, ImageSourceOptions options, ulong seed, Neighbour[] rows, ImageIndex? index)
    {
        _world = world;
        _options = options;
        _seed = seed;
        _index = index;
        _row = options.Neighbours + 1;
        _neighbours = rows;
        _colors = world.Vocabulary.Colors.Length;
        long start = world.Options.Time.StartSeconds;
        var groups = new List<int>[world.Vocabulary.Styles.Length * _colors];
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g] = [];
        }

        foreach (var item in world.Items)
        {
            if (item.ListedAt < start)
            {
                groups[item.Style * _colors + item.Color].Add(item.Index);
            }
        }

        _tasteItems = [.. groups.Select(g => g.ToArray())];
    }

    /// <summary>Every product's neighbour list, as one array: per product a row of its count (in Item), then its neighbours, best first.</summary>
    public Neighbour[] Rows => _neighbours;

    /// <summary>
    /// Builds the index and looks every product's neighbour list up in it; the index is handed out only when kept. A
    /// world that gives its embeddings back once the lists are built hands its matrix over to the index, which puts it
    /// into leaf order in place instead of copying it.
    /// </summary>
    private static Neighbour[] Search(
        World world, ImageSourceOptions options, ulong seed, ParallelOptions parallel, bool keepIndex, IProgress<SimulationProgress>? progress, out ImageIndex? kept)
    {
        bool take = !keepIndex && world.ReleaseEmbeddingsWhenIndexed;
        var index = new ImageIndex(take ? world.TakeEmbeddings() : world.Embeddings, world.D, options.CellSize, options.Probes, seed, parallel, progress, take);
        kept = keepIndex ? index : null;
        return index.SearchAll(options.Neighbours, parallel, progress);
    }

    /// <summary>From this size of the embedding matrix on, the index's copy is given back to the system as soon as it is freed.</summary>
    private const long ReleaseAtBytes = 128L << 20;

    /// <summary>
    /// Once the index's copy of the embeddings (and the search's lists), and perhaps the world's matrix, are garbage:
    /// a collection that frees them may not come before the simulation's peak, and a freed region stays committed (at
    /// the large preset 1.9 GB each; docs/benchmarks.md, "Where the memory goes"). For a matrix of
    /// <see cref="ReleaseAtBytes"/> or more, free them and give the memory back now.
    /// </summary>
    public static void GiveBackMemory(int dimensions, int products)
    {
        if ((long)products * dimensions * sizeof(float) >= ReleaseAtBytes)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    public ImageIndex Index => _index ?? throw new InvalidOperationException("the image index is kept only when the source is made with keepIndex");

    /// <summary>
    /// The anchor's nearest neighbours (best first) and their cosines. The lists are kept side by side in one array, so
    /// that a list is one contiguous read without an object to reach first.
    /// </summary>
    public ReadOnlySpan<Neighbour> Neighbours(int item) => _neighbours.AsSpan(item * _row + 1, _neighbours[item * _row].Item);

    /// <summary>Starts bringing in the anchor's neighbour list, ahead of <see cref="Neighbours"/>.</summary>
    public void PrefetchNeighbours(int item)
    {
        int first = item * _row;
        for (int j = 0; j < _row; j += 8)
        {
            Internals.Prefetch.Line(_neighbours, first + j); // a cache line holds 8
        }

        Internals.Prefetch.Line(_neighbours, first + _row - 1);
    }

    /// <summary>A user's visual taste: a product in their primary style and one of their colors, listed before the start.</summary>
    public int TasteSeed(in User user)
    {
        var random = new EntityRandom(_seed, RandomStream.TasteSeed, user.Index);
        int colors = System.Numerics.BitOperations.PopCount(user.ColorMask);
        int pick = random.NextInt(Math.Max(1, colors));
        int color = 0;
        for (uint mask = user.ColorMask; mask != 0; mask &= mask - 1, pick--)
        {
            color = System.Numerics.BitOperations.TrailingZeroCount(mask);
            if (pick == 0)
            {
                break;
            }
        }

        var group = _tasteItems[user.PrimaryStyle * _colors + color];
        return group.Length > 0 ? group[random.NextInt(group.Length)] : random.NextInt(_world.Items.Length);
    }

    public double RecencyDiscount => _options.RecencyDiscount;

    public double Noise => _options.Noise;
}

/// <summary>A product of a neighbour list and its similarity (embedding cosine) to the list's anchor.</summary>
internal readonly record struct Neighbour(int Item, float Similarity);

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
    private readonly ImageIndex _index;
    private readonly (int[] Items, float[] Similarities)[] _neighbours;
    private readonly int[][] _tasteItems; // per (style, color): products listed before the start
    private readonly ulong _seed;
    private readonly int _colors;

    public ImageSource(World world, ImageSourceOptions options, ulong seed, ParallelOptions parallel)
    {
        _world = world;
        _options = options;
        _seed = seed;
        _index = new ImageIndex(world.Embeddings, world.D, options.CellSize, options.Probes, seed, parallel);
        _neighbours = _index.SearchAll(options.Neighbours, parallel);
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

    public ImageIndex Index => _index;

    /// <summary>The anchor's nearest neighbours (best first) and their cosines.</summary>
    public (int[] Items, float[] Similarities) Neighbours(int item) => _neighbours[item];

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

using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Catalog;

/// <summary>
/// The hidden collaborative structure: taste communities are unit centroids in a small latent space;
/// products and users sit around the centroid of their community. A share of each follows its style
/// (so CF and images partly agree), the rest is taste that only CF can discover.
/// </summary>
internal sealed class TasteCommunities
{
    private readonly ulong _seed;
    private readonly FactorOptions _options;
    private readonly int _styles;
    private readonly float[] _centroids; // [communities, dimensions]

    public TasteCommunities(RecSynthOptions options)
    {
        _seed = (ulong)options.Seed;
        _options = options.Factors;
        _styles = options.Catalog.Styles.Length;
        int d = _options.Dimensions;
        _centroids = new float[_options.Communities * d];
        for (int c = 0; c < _options.Communities; c++)
        {
            var random = new EntityRandom(_seed, RandomStream.Communities, c);
            var row = _centroids.AsSpan(c * d, d);
            double norm = 0;
            for (int k = 0; k < d; k++)
            {
                double x = random.NextNormal();
                row[k] = (float)x;
                norm += x * x;
            }

            float inv = (float)(1.0 / Math.Sqrt(norm));
            for (int k = 0; k < d; k++)
            {
                row[k] *= inv;
            }
        }
    }

    public int Dimensions => _options.Dimensions;

    public int Count => _options.Communities;

    public ReadOnlySpan<float> Centroid(int community) => _centroids.AsSpan(community * Dimensions, Dimensions);

    public int ItemCommunity(int itemIndex, int style)
    {
        var random = new EntityRandom(_seed, RandomStream.ItemFactors, itemIndex);
        return Pick(ref random, style);
    }

    public int UserCommunity(int userIndex, int primaryStyle)
    {
        var random = new EntityRandom(_seed, RandomStream.UserFactors, userIndex);
        return Pick(ref random, primaryStyle);
    }

    /// <summary>The product's factors: its community centroid (weight 0.9) plus noise. [dimensions]</summary>
    public void ItemFactors(in Item item, Span<float> destination)
    {
        var random = new EntityRandom(_seed, RandomStream.ItemFactors, item.Index);
        _ = Pick(ref random, item.Style); // same draws as ItemCommunity, so the noise that follows is the item's own
        Compose(ref random, item.Community, FactorOptions.ItemCentroidWeight, _options.ItemNoise, destination);
    }

    /// <summary>The user's factors: their community centroid plus noise. [dimensions]</summary>
    public void UserFactors(int userIndex, int community, int primaryStyle, Span<float> destination)
    {
        var random = new EntityRandom(_seed, RandomStream.UserFactors, userIndex);
        _ = Pick(ref random, primaryStyle);
        Compose(ref random, community, 1.0, _options.UserNoise, destination);
    }

    private int Pick(ref EntityRandom random, int style)
    {
        bool followsStyle = random.NextBernoulli(_options.StyleAffinity);
        int pick = random.NextInt(Count);
        if (!followsStyle)
        {
            return pick;
        }

        // Communities are split into blocks, one per style; a style-following entity joins its style's block.
        if (Count >= _styles)
        {
            int block = Count / _styles;
            return style * block + pick % block;
        }

        return style % Count;
    }

    private void Compose(ref EntityRandom random, int community, double centroidWeight, double noise, Span<float> destination)
    {
        int d = Dimensions;
        var centroid = Centroid(community);
        double scale = noise / Math.Sqrt(d);
        for (int k = 0; k < d; k++)
        {
            destination[k] = (float)(centroidWeight * centroid[k] + scale * random.NextNormal());
        }
    }
}

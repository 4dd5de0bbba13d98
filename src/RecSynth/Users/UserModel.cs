using System.Collections.Immutable;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Users;

/// <summary>
/// Draws users one at a time from (seed, index), like <see cref="CatalogModel"/> for products (docs/design.md §3): what
/// the users stage streams into users.csv; <see cref="UserPopulation"/> holds them all in memory.
/// </summary>
public sealed class UserModel
{
    private readonly ulong _seed;
    private readonly UserOptions _options;
    private readonly double[] _ageGroup;
    private readonly double[] _style;
    private readonly double[] _priceSensitivity;
    private readonly double[] _sustainability;
    private readonly double[] _colors;
    private readonly double[] _patterns;
    private readonly double[] _materials;
    private readonly double[] _brands;
    private readonly (int Colors, int Patterns, int Materials, int Brands) _positive;
    private readonly (double Alpha, double Beta)[] _cfByAgeGroup;
    private readonly long _start;
    private readonly long _end;

    /// <summary>The users of <paramref name="options"/> (validated by the caller).</summary>
    public UserModel(RecSynthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _seed = (ulong)options.Seed;
        _options = options.Users;
        Communities = new TasteCommunities(options);
        AgeGroups = [.. _options.AgeGroups.Select(a => a.Name)];
        _ageGroup = Cumulative.Of(_options.AgeGroups);
        _style = Cumulative.Of(options.Catalog.Styles);
        _priceSensitivity = Cumulative.Of(_options.PriceSensitivity);
        _sustainability = Cumulative.Of(_options.SustainabilityFocus);
        var catalog = options.Catalog;
        _colors = Cumulative.Of(catalog.Colors);
        _patterns = Cumulative.Of(catalog.Patterns);
        _materials = Cumulative.Of(catalog.Materials);
        _brands = Cumulative.Of(catalog.Brands);
        _positive = (catalog.Colors.Count(c => c.Weight > 0), catalog.Patterns.Count(c => c.Weight > 0),
            catalog.Materials.Count(c => c.Weight > 0), catalog.Brands.Count(c => c.Weight > 0));
        var cf = _options.CfPreference;
        double concentration = cf.AgeGroupConcentration;
        _cfByAgeGroup = [.. _options.AgeGroups.Select(group =>
        {
            if (!cf.ByAgeGroup)
            {
                return (cf.Alpha, cf.Beta);
            }

            double mean = cf.AgeGroupMeans.First(m => m.Name == group.Name).Value;
            return (mean * concentration, (1 - mean) * concentration);
        })];
        _start = options.Time.StartSeconds;
        _end = options.Time.EndSeconds;
    }

    /// <summary>The age groups' names, by <see cref="User.AgeGroup"/>.</summary>
    public ImmutableArray<string> AgeGroups { get; }

    internal TasteCommunities Communities { get; }

    /// <summary>Users.</summary>
    public int Count => _options.Count;

    /// <summary>Length of a user's hidden collaborative factor vector.</summary>
    public int FactorDimensions => Communities.Dimensions;

    /// <summary>The user of index <paramref name="index"/> (0-based).</summary>
    public User CreateUser(int index)
    {
        // The order of draws below is part of the seeded output: append, never reorder.
        var random = new EntityRandom(_seed, RandomStream.UserAttributes, index);
        int ageGroup = random.NextFromCumulative(_ageGroup);
        int style = random.NextFromCumulative(_style);
        int priceSensitivity = random.NextFromCumulative(_priceSensitivity);
        int sustainability = random.NextFromCumulative(_sustainability);
        var prefs = _options.StylePreferences;
        uint colors = WeightedSubset(ref random, _colors, _positive.Colors, prefs.Colors);
        uint patterns = WeightedSubset(ref random, _patterns, _positive.Patterns, prefs.Patterns);
        uint materials = WeightedSubset(ref random, _materials, _positive.Materials, prefs.Materials);
        uint brands = WeightedSubset(ref random, _brands, _positive.Brands, prefs.Brands);
        var (alpha, beta) = _cfByAgeGroup[ageGroup];
        double cfPreference = Math.Round(random.NextBeta(alpha, beta), 4);
        double consistency = Math.Round(random.NextUniform(_options.ConsistencyMin, _options.ConsistencyMax), 4);
        var activityOptions = _options.Activity;
        double activity = Math.Round(
            Math.Clamp(random.NextLogNormal(Math.Log(activityOptions.Median), activityOptions.Sigma), activityOptions.Min, activityOptions.Max), 4);
        long signedUpAt = Arrival.Draw(ref random, _start, _end, _options.JoinedDuringShare, _options.JoinedBeforeDays);

        long? driftAt = null;
        double? cfAfter = null;
        if (_options.Drift.Share > 0)
        {
            var drift = new EntityRandom(_seed, RandomStream.UserDrift, index);
            // A user who signs up in the last second has no time left to drift in.
            if (drift.NextBernoulli(_options.Drift.Share) && signedUpAt + 1 < _end)
            {
                long from = Math.Max(_start, signedUpAt + 1);
                driftAt = from + (long)(drift.NextDouble() * (_end - from));
                cfAfter = Math.Round(drift.NextBeta(alpha, beta), 4);
            }
        }

        return new User
        {
            Index = index,
            AgeGroup = (byte)ageGroup,
            PrimaryStyle = (byte)style,
            PriceSensitivity = (byte)priceSensitivity,
            SustainabilityFocus = (byte)sustainability,
            ColorMask = colors,
            PatternMask = patterns,
            MaterialMask = materials,
            BrandMask = brands,
            CfPreference = cfPreference,
            PreferenceConsistency = consistency,
            Activity = activity,
            SignedUpAt = signedUpAt,
            DriftAt = driftAt,
            CfPreferenceAfter = cfAfter,
            Community = Communities.UserCommunity(index, style),
        };
    }

    /// <summary>Writes the user's hidden collaborative factors (<see cref="FactorDimensions"/> floats).</summary>
    public void UserFactors(in User user, Span<float> destination) =>
        Communities.UserFactors(user.Index, user.Community, user.PrimaryStyle, destination);

    /// <summary>
    /// A uniform number in [min, max] of values, drawn by weight without replacement, as a bit mask. Each value is
    /// drawn from the remaining weights: first by a few tries with replacement, redrawing repeats (the same
    /// distribution, and cheap for a handful of values), then, if a heavy weight keeps coming back, exactly from
    /// what is left, so the work is bounded whatever the weights.
    /// </summary>
    private static uint WeightedSubset(ref EntityRandom random, double[] cumulative, int positive, CountRange range)
    {
        int count = Math.Min(positive, range.Min + random.NextInt(range.Max - range.Min + 1));
        uint mask = 0;
        for (int drawn = 0; drawn < count; drawn++)
        {
            int index = -1;
            for (int attempt = 0; attempt < 4 && index < 0; attempt++)
            {
                int candidate = random.NextFromCumulative(cumulative);
                index = (mask & (1u << candidate)) == 0 ? candidate : -1;
            }

            if (index < 0)
            {
                index = FromRemaining(ref random, cumulative, mask);
            }

            mask |= 1u << index;
        }

        return mask;
    }

    private static int FromRemaining(ref EntityRandom random, double[] cumulative, uint mask)
    {
        double remaining = 0;
        for (int i = 0; i < cumulative.Length; i++)
        {
            remaining += (mask & (1u << i)) == 0 ? Weight(cumulative, i) : 0;
        }

        double u = random.NextDouble() * remaining;
        int last = -1;
        for (int i = 0; i < cumulative.Length; i++)
        {
            double w = (mask & (1u << i)) == 0 ? Weight(cumulative, i) : 0;
            if (w <= 0)
            {
                continue;
            }

            last = i;
            u -= w;
            if (u < 0)
            {
                return i;
            }
        }

        return last; // rounding left u just above the last positive weight
    }

    private static double Weight(double[] cumulative, int i) => i == 0 ? cumulative[0] : cumulative[i] - cumulative[i - 1];
}

using System.Collections.Immutable;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Users;

/// <summary>Draws users one at a time from (seed, index), like <see cref="CatalogModel"/> for products.</summary>
internal sealed class UserModel
{
    private const long Day = 86_400;
    private readonly ulong _seed;
    private readonly UserOptions _options;
    private readonly double[] _ageGroup;
    private readonly double[] _style;
    private readonly double[] _priceSensitivity;
    private readonly double[] _sustainability;
    private readonly double[] _colorWeights;
    private readonly double[] _patternWeights;
    private readonly double[] _materialWeights;
    private readonly double[] _brandWeights;
    private readonly (double Alpha, double Beta)[] _cfByAgeGroup;
    private readonly long _start;
    private readonly long _end;

    public UserModel(RecSynthOptions options)
    {
        _seed = (ulong)options.Seed;
        _options = options.Users;
        Communities = new TasteCommunities(options);
        AgeGroups = [.. _options.AgeGroups.Select(a => a.Name)];
        _ageGroup = Cumulative.Of(_options.AgeGroups);
        _style = Cumulative.Of(options.Catalog.Styles);
        _priceSensitivity = Cumulative.Of(_options.PriceSensitivity);
        _sustainability = Cumulative.Of(_options.SustainabilityFocus);
        _colorWeights = [.. options.Catalog.Colors.Select(c => c.Weight)];
        _patternWeights = [.. options.Catalog.Patterns.Select(c => c.Weight)];
        _materialWeights = [.. options.Catalog.Materials.Select(c => c.Weight)];
        _brandWeights = [.. options.Catalog.Brands.Select(c => c.Weight)];
        var cf = _options.CfPreference;
        double concentration = cf.Alpha + cf.Beta;
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

    public ImmutableArray<string> AgeGroups { get; }

    public TasteCommunities Communities { get; }

    public int Count => _options.Count;

    public User CreateUser(int index)
    {
        // The order of draws below is part of the seeded output: append, never reorder.
        var random = new EntityRandom(_seed, RandomStream.UserAttributes, index);
        int ageGroup = random.NextFromCumulative(_ageGroup);
        int style = random.NextFromCumulative(_style);
        int priceSensitivity = random.NextFromCumulative(_priceSensitivity);
        int sustainability = random.NextFromCumulative(_sustainability);
        var prefs = _options.StylePreferences;
        uint colors = WeightedSubset(ref random, _colorWeights, prefs.Colors);
        uint patterns = WeightedSubset(ref random, _patternWeights, prefs.Patterns);
        uint materials = WeightedSubset(ref random, _materialWeights, prefs.Materials);
        uint brands = WeightedSubset(ref random, _brandWeights, prefs.Brands);
        var (alpha, beta) = _cfByAgeGroup[ageGroup];
        double cfPreference = Math.Round(random.NextBeta(alpha, beta), 4);
        double consistency = Math.Round(random.NextUniform(_options.ConsistencyMin, _options.ConsistencyMax), 4);
        var activityOptions = _options.Activity;
        double activity = Math.Round(
            Math.Clamp(random.NextLogNormal(Math.Log(activityOptions.Median), activityOptions.Sigma), activityOptions.Min, activityOptions.Max), 4);
        long signedUpAt = random.NextBernoulli(_options.JoinedDuringShare)
            ? _start + (long)(random.NextDouble() * (_end - _start))
            : _start - 1 - (long)(random.NextDouble() * (_options.JoinedBeforeDays * Day - 1));

        long? driftAt = null;
        double? cfAfter = null;
        if (_options.Drift.Share > 0)
        {
            var drift = new EntityRandom(_seed, RandomStream.UserDrift, index);
            if (drift.NextBernoulli(_options.Drift.Share))
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

    /// <summary>The user's factors [factor dimensions].</summary>
    public void UserFactors(in User user, Span<float> destination) =>
        Communities.UserFactors(user.Index, user.Community, user.PrimaryStyle, destination);

    /// <summary>A uniform number in [min, max] of values, drawn by weight without replacement, as a bit mask.</summary>
    private static uint WeightedSubset(ref EntityRandom random, double[] weights, CountRange range)
    {
        int count = range.Min + random.NextInt(range.Max - range.Min + 1);
        uint mask = 0;
        for (int drawn = 0; drawn < count; drawn++)
        {
            double total = 0;
            for (int i = 0; i < weights.Length; i++)
            {
                if ((mask & (1u << i)) == 0)
                {
                    total += weights[i];
                }
            }

            double u = random.NextDouble() * total;
            int pick = -1;
            for (int i = 0; i < weights.Length; i++)
            {
                if ((mask & (1u << i)) != 0 || weights[i] <= 0)
                {
                    continue;
                }

                pick = i;
                u -= weights[i];
                if (u < 0)
                {
                    break;
                }
            }

            if (pick < 0)
            {
                break; // fewer values with a positive weight than asked for
            }

            mask |= 1u << pick;
        }

        return mask;
    }
}

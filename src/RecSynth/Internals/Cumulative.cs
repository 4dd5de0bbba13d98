using System.Collections.Immutable;
using RecSynth.Configuration;

namespace RecSynth.Internals;

/// <summary>Cumulative weights, for drawing a code with <see cref="EntityRandom.NextFromCumulative"/>.</summary>
internal static class Cumulative
{
    public static double[] Of(ReadOnlySpan<double> weights)
    {
        var cumulative = new double[weights.Length];
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        return cumulative;
    }

    public static double[] Of(ImmutableArray<WeightedName> values) => Of([.. values.Select(v => v.Weight)]);

    public static double[] Of(ImmutableArray<PricedName> values) => Of([.. values.Select(v => v.Weight)]);

    public static double[] Of(LevelWeights levels) => Of([levels.Low, levels.Medium, levels.High]);
}

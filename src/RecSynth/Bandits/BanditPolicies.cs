using System.Collections.Immutable;
using RecSynth.Behaviour;

namespace RecSynth.Bandits;

/// <summary>What a bandit chooses among.</summary>
public enum BanditArms
{
    /// <summary>The two arms: a pure CF slate or a pure image slate.</summary>
    Two,

    /// <summary>The blend levels (behaviour.blend_levels, 0 = CF to 1 = image).</summary>
    Blend,
}

/// <summary>The arm sets of the closed loop.</summary>
public static class BanditPolicies
{
    /// <summary>The arms of <paramref name="arms"/>: cf and image, or one per blend level.</summary>
    public static ImmutableArray<Arm> ArmsOf(BanditArms arms, ImmutableArray<double> blendLevels) =>
        arms == BanditArms.Two ? [Arm.Cf, Arm.Image] : [.. blendLevels.Select(l => new Arm(l))];
}

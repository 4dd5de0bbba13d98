using System.Collections.Immutable;
using System.Globalization;
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

/// <summary>The policies of the closed loop, by name.</summary>
public static class BanditPolicies
{
    /// <summary>The names <see cref="Validate(string)"/> accepts (fixed takes an arm or a blend: fixed:cf, fixed:image, fixed:0.25).</summary>
    public static ImmutableArray<string> Names { get; } =
        ["uniform", "fixed:<arm>", "epsilon-greedy[:<epsilon>]", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson"];

    /// <summary>Null when <paramref name="name"/> names a policy; otherwise why not.</summary>
    public static string? Validate(string name) => Parse(name, out _, out string? error) ? null : error;

    /// <summary>
    /// Null when <paramref name="name"/> names a policy the closed loop can measure with these blend levels; otherwise
    /// why not. A fixed blend must be one of the levels: the ground truth, and so regret, is measured only there.
    /// </summary>
    public static string? Validate(string name, ImmutableArray<double> blendLevels)
    {
        if (!Parse(name, out var policy, out string? error))
        {
            return error;
        }

        return policy.Kind == "fixed" && !blendLevels.Contains(policy.Parameter)
            ? $"serves the blend {new Arm(policy.Parameter).Name}, which is not one of behaviour.blend_levels ({string.Join(", ", blendLevels.Select(l => new Arm(l).Name))}): the ground truth, and so regret, is measured only at those levels"
            : null;
    }

    /// <summary>The policies named by a word alone (no parameter).</summary>
    private static readonly string[] s_plain = ["uniform", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson"];

    /// <summary>Every complete spelling of a policy, for suggestions: the plain names and the common parameterised ones.</summary>
    private static readonly string[] s_spellings = [.. s_plain, "epsilon-greedy", "fixed:cf", "fixed:image"];

    /// <summary>
    /// Parses a policy name. <paramref name="others"/>: further names the caller accepts (evaluate's best-arm), named in
    /// the error and suggested like the rest.
    /// </summary>
    internal static bool Parse(string name, out (string Kind, double Parameter) policy, out string? error, IReadOnlyList<string>? others = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        error = null;
        policy = (name, 0);
        if (s_plain.Contains(name))
        {
            return true;
        }

        switch (name)
        {
            case "epsilon-greedy":
                policy = ("epsilon-greedy", 0.1);
                return true;
            case "fixed:cf":
                policy = ("fixed", 0);
                return true;
            case "fixed:image":
                policy = ("fixed", 1);
                return true;
        }

        foreach (string prefix in new[] { "epsilon-greedy:", "fixed:" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                string value = name[prefix.Length..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x is >= 0 and <= 1)
                {
                    policy = (prefix.TrimEnd(':'), x);
                    return true;
                }

                error = $"the number of {prefix}<x> must be in [0, 1], not \"{value}\"";
                return false;
            }
        }

        others ??= [];
        error = "must be one of " + string.Join(", ", Names.Concat(others))
            + Configuration.NameSuggestion.DidYouMean(name, s_spellings.Concat(others));
        return false;
    }

    /// <summary>The arms of <paramref name="arms"/>: cf and image, or one per blend level.</summary>
    public static ImmutableArray<Arm> ArmsOf(BanditArms arms, ImmutableArray<double> blendLevels) =>
        arms == BanditArms.Two ? [Arm.Cf, Arm.Image] : [.. blendLevels.Select(l => new Arm(l))];

    /// <summary>The policy <paramref name="name"/> over the arms of <paramref name="world"/>'s blend levels.</summary>
    internal static BanditPolicy Create(string name, BanditArms arms, World world)
    {
        if (!Parse(name, out var policy, out string? error))
        {
            throw new ArgumentException(error, nameof(name));
        }

        var set = ArmsOf(arms, world.Options.Behaviour.BlendLevels);
        int users = world.UserList.Length;
        return policy.Kind switch
        {
            "uniform" => new UniformPolicy(set, users),
            "fixed" => new FixedPolicy(new Arm(policy.Parameter), users),
            "epsilon-greedy" => new EpsilonGreedyPolicy(set, users, policy.Parameter),
            "ucb1" => new Ucb1Policy(set, users),
            "thompson" => new ThompsonPolicy(set, users),
            "hierarchical-thompson" => EmpiricalBayesThompsonPolicy.Hierarchical(set, users),
            "curve-thompson" => new CurveThompsonPolicy(set, users),
            _ => EmpiricalBayesThompsonPolicy.Contextual(set, world.UserList, world.AgeGroups.Length, world.Vocabulary.Styles.Length),
        };
    }
}

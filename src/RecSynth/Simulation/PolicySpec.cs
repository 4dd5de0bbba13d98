using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Simulation;

/// <summary>The kinds of policy a name can give (docs/bandits.md).</summary>
public enum PolicyKind
{
    /// <summary><c>uniform</c>: every arm alike.</summary>
    Uniform,

    /// <summary><c>uniform-blend</c> (logging only): every blend level alike.</summary>
    UniformBlend,

    /// <summary><c>fixed:cf</c>, <c>fixed:image</c>, <c>fixed:0.25</c>: always that arm or blend.</summary>
    Fixed,

    /// <summary><c>epsilon-greedy[:ε]</c>.</summary>
    EpsilonGreedy,

    /// <summary><c>ucb1</c>.</summary>
    Ucb1,

    /// <summary><c>thompson</c>: Beta-Bernoulli per user and arm.</summary>
    Thompson,

    /// <summary><c>hierarchical-thompson</c>: with a prior learned across users.</summary>
    HierarchicalThompson,

    /// <summary><c>contextual</c>: with a prior from the users' observable attributes.</summary>
    Contextual,

    /// <summary><c>curve-thompson</c>: a reward curve over the blend levels.</summary>
    CurveThompson,

    /// <summary><c>best-arm</c> (evaluation only): each user's optimal arm of the dataset's ground truth.</summary>
    BestArm,
}

/// <summary>Where a policy name is used, which decides the names it may be.</summary>
public enum PolicyUse
{
    /// <summary>The logging policy of <c>generate</c> (behaviour.policy): uniform, uniform-blend, fixed.</summary>
    Logging,

    /// <summary>The closed loop (<c>simulate</c>, <c>compare</c>): every bandit.</summary>
    ClosedLoop,

    /// <summary>Off-policy evaluation: every bandit, and best-arm.</summary>
    Evaluation,
}

/// <summary>
/// A policy name, parsed: the one grammar of every place that takes one (the config's behaviour.policy, simulate,
/// compare, evaluate). <c>uniform</c>, <c>uniform-blend</c>, <c>fixed:cf|image|&lt;blend&gt;</c>,
/// <c>epsilon-greedy[:&lt;ε&gt;]</c>, <c>ucb1</c>, <c>thompson</c>, <c>hierarchical-thompson</c>, <c>contextual</c>,
/// <c>curve-thompson</c>, <c>best-arm</c>; which of them a place accepts is its <see cref="PolicyUse"/>.
/// </summary>
/// <param name="Kind">The kind of policy.</param>
/// <param name="Parameter">The blend of a fixed policy (0 = cf, 1 = image), the ε of epsilon-greedy (default 0.1), otherwise 0.</param>
/// <param name="Text">The name as given.</param>
public sealed record PolicySpec(PolicyKind Kind, double Parameter, string Text)
{
    /// <summary>The ε of <c>epsilon-greedy</c> without a number.</summary>
    public const double DefaultEpsilon = 0.1;

    private static readonly (string Name, PolicyKind Kind)[] s_plain =
    [
        ("uniform", PolicyKind.Uniform), ("uniform-blend", PolicyKind.UniformBlend), ("ucb1", PolicyKind.Ucb1), ("thompson", PolicyKind.Thompson),
        ("hierarchical-thompson", PolicyKind.HierarchicalThompson), ("contextual", PolicyKind.Contextual), ("curve-thompson", PolicyKind.CurveThompson),
        ("best-arm", PolicyKind.BestArm),
    ];

    /// <summary>The names a place accepts, as its help and its errors show them.</summary>
    public static ImmutableArray<string> Names(PolicyUse use) => use switch
    {
        PolicyUse.Logging => ["uniform", "uniform-blend", "fixed:<arm>"],
        PolicyUse.ClosedLoop => ["uniform", "fixed:<arm>", "epsilon-greedy[:<epsilon>]", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson"],
        _ => ["uniform", "fixed:<arm>", "epsilon-greedy[:<epsilon>]", "ucb1", "thompson", "hierarchical-thompson", "contextual", "curve-thompson", "best-arm"],
    };

    /// <summary>Whether <paramref name="use"/> accepts policies of <paramref name="kind"/>.</summary>
    public static bool Accepts(PolicyUse use, PolicyKind kind) => use switch
    {
        PolicyUse.Logging => kind is PolicyKind.Uniform or PolicyKind.UniformBlend or PolicyKind.Fixed,
        PolicyUse.ClosedLoop => kind is not (PolicyKind.UniformBlend or PolicyKind.BestArm),
        _ => kind is not PolicyKind.UniformBlend,
    };

    /// <summary>Parses <paramref name="text"/> for <paramref name="use"/>; the error says what is allowed, with a suggestion.</summary>
    public static bool TryParse(string text, PolicyUse use, [NotNullWhen(true)] out PolicySpec? spec, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        spec = Read(text, out error);
        if (spec is not null && !Accepts(use, spec.Kind))
        {
            spec = null;
        }

        if (spec is null)
        {
            error ??= $"must be one of {string.Join(", ", Names(use))}"
                + NameSuggestion.DidYouMean(text, s_plain.Where(p => Accepts(use, p.Kind)).Select(p => p.Name)
                    .Concat(Accepts(use, PolicyKind.Fixed) ? ["fixed:cf", "fixed:image"] : [])
                    .Concat(Accepts(use, PolicyKind.EpsilonGreedy) ? ["epsilon-greedy"] : []));
            return false;
        }

        return true;
    }

    /// <summary>Parses <paramref name="text"/> for <paramref name="use"/>.</summary>
    /// <exception cref="OptionsException">It is not a policy <paramref name="use"/> accepts; the problem is at <paramref name="keyPath"/>.</exception>
    public static PolicySpec Parse(string text, PolicyUse use, string keyPath) =>
        TryParse(text, use, out var spec, out string? error) ? spec : throw new OptionsException([new OptionProblem(keyPath, text, error)]);

    /// <summary>The arm of a fixed policy.</summary>
    public Arm FixedArm => new(Parameter);

    /// <summary>
    /// Null when the policy can be measured at these blend levels; otherwise why not: a fixed blend must be one of them,
    /// since the ground truth, and so regret, is measured only there.
    /// </summary>
    public string? CheckLevels(ImmutableArray<double> blendLevels) =>
        Kind == PolicyKind.Fixed && !blendLevels.Contains(Parameter)
            ? $"serves the blend {FixedArm.Name}, which is not one of behaviour.blend_levels ({string.Join(", ", blendLevels.Select(l => new Arm(l).Name))}): the ground truth, and so regret, is measured only at those levels"
            : null;

    /// <inheritdoc />
    public override string ToString() => Text;

    private static PolicySpec? Read(string text, out string? error)
    {
        error = null;
        foreach (var (name, kind) in s_plain)
        {
            if (text == name)
            {
                return new PolicySpec(kind, 0, text);
            }
        }

        switch (text)
        {
            case "epsilon-greedy":
                return new PolicySpec(PolicyKind.EpsilonGreedy, DefaultEpsilon, text);
            case "fixed:cf":
                return new PolicySpec(PolicyKind.Fixed, 0, text);
            case "fixed:image":
                return new PolicySpec(PolicyKind.Fixed, 1, text);
        }

        foreach (var (prefix, kind) in new[] { ("epsilon-greedy:", PolicyKind.EpsilonGreedy), ("fixed:", PolicyKind.Fixed) })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                string value = text[prefix.Length..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x is >= 0 and <= 1)
                {
                    return new PolicySpec(kind, x, text);
                }

                error = $"the number of {prefix}<x> must be in [0, 1], not \"{value}\"";
                return null;
            }
        }

        return null;
    }
}

using System.Collections.Immutable;
using System.Globalization;
using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>
/// A non-learning policy that chooses each session's arm at random with known propensities: the logging policy of
/// <c>generate</c>. (Learning policies are the bandits of the closed loop.)
/// </summary>
public sealed class LoggingPolicy : ISessionPolicy
{
    private readonly ImmutableArray<Arm> _arms;

    private LoggingPolicy(string name, ImmutableArray<Arm> arms)
    {
        Name = name;
        _arms = arms;
    }

    /// <summary>The policy as configured, e.g. "uniform" or "fixed:0.25".</summary>
    public string Name { get; }

    /// <summary>The arms it chooses among, each with probability 1 / count.</summary>
    public ImmutableArray<Arm> Arms => _arms;

    /// <summary>The probability of each choice.</summary>
    public double Propensity => 1.0 / _arms.Length;

    /// <summary>Parses a policy name; null with a reason when it is not one.</summary>
    public static LoggingPolicy? TryParse(string text, ImmutableArray<double> blendLevels, out string? error)
    {
        error = null;
        switch (text)
        {
            case "uniform":
                return new(text, [Arm.Cf, Arm.Image]);
            case "uniform-blend":
                return new(text, [.. blendLevels.Select(level => new Arm(level))]);
            case "fixed:cf":
                return new(text, [Arm.Cf]);
            case "fixed:image":
                return new(text, [Arm.Image]);
        }

        if (text.StartsWith("fixed:", StringComparison.Ordinal))
        {
            string level = text["fixed:".Length..];
            if (double.TryParse(level, NumberStyles.Float, CultureInfo.InvariantCulture, out double blend) && blend is >= 0 and <= 1)
            {
                return new(text, [new Arm(blend)]);
            }

            error = $"the blend of fixed:<blend> must be a number in [0, 1], not \"{level}\"";
            return null;
        }

        error = "must be uniform, uniform-blend, fixed:cf, fixed:image or fixed:<blend in [0, 1]>"
            + Configuration.NameSuggestion.DidYouMean(text, ["uniform", "uniform-blend", "fixed:cf", "fixed:image"]);
        return null;
    }

    (Arm Arm, double Propensity) ISessionPolicy.Choose(int user, ref EntityRandom random) =>
        (_arms.Length == 1 ? _arms[0] : _arms[random.NextInt(_arms.Length)], Propensity);
}

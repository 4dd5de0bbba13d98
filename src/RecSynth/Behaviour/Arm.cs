using System.Globalization;

namespace RecSynth.Behaviour;

/// <summary>
/// What a session serves: a blend level w, the share of slate positions filled from the image source. The two arms
/// of a two-armed bandit are its ends: <see cref="Cf"/> (w = 0) and <see cref="Image"/> (w = 1).
/// </summary>
/// <param name="Blend">Share of positions from the image source, in [0, 1].</param>
public readonly record struct Arm(double Blend)
{
    /// <summary>The pure CF slate.</summary>
    public static Arm Cf { get; } = new(0);

    /// <summary>The pure image slate.</summary>
    public static Arm Image { get; } = new(1);

    /// <summary>How the arm is written in sessions.csv: "cf", "image", or the blend level, e.g. "0.25".</summary>
    public string Name => Blend switch
    {
        0 => "cf",
        1 => "image",
        _ => Blend.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string ToString() => Name;
}

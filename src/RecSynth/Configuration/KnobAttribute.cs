namespace RecSynth.Configuration;

/// <summary>
/// Marks an option as a configuration knob: its meaning (written into <c>recsynth init</c>'s
/// commented config and the config reference) and its valid range (checked by validation).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class KnobAttribute(string description) : Attribute
{
    /// <summary>What the knob means, in one sentence.</summary>
    public string Description { get; } = description;

    /// <summary>Smallest valid value (inclusive unless <see cref="MinExclusive"/>); NaN for none.</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Largest valid value (inclusive unless <see cref="MaxExclusive"/>); NaN for none.</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>Whether <see cref="Min"/> itself is excluded.</summary>
    public bool MinExclusive { get; init; }

    /// <summary>Whether <see cref="Max"/> itself is excluded.</summary>
    public bool MaxExclusive { get; init; }

    /// <summary>The allowed values of a string knob, separated by '|'; null for any.</summary>
    public string? OneOf { get; init; }
}

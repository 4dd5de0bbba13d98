namespace RecSynth.Configuration;

/// <summary>The simulated period: products are listed and users sign up relative to it, and behaviour runs within it.</summary>
public sealed record TimeWindowOptions
{
    /// <summary>Start of the simulation (UTC).</summary>
    [Knob("start of the simulated period (RFC 3339; a time with another offset is converted to UTC; whole seconds)")]
    public DateTimeOffset Start { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>End of the simulation (UTC, exclusive).</summary>
    [Knob("end of the simulated period, exclusive (RFC 3339, as start)")]
    public DateTimeOffset End { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal long StartSeconds => Start.ToUnixTimeSeconds();

    internal long EndSeconds => End.ToUnixTimeSeconds();
}

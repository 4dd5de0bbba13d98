namespace RecSynth.Configuration;

/// <summary>Latent popularity: a heavy-tailed log-normal appeal with median 1.</summary>
public sealed record PopularityOptions
{
    /// <summary>Log-normal spread of popularity.</summary>
    [Knob("log-normal spread of the latent popularity (median 1); larger means a longer tail", Min = 0, Max = 4)]
    public double Sigma { get; init; } = 1.0;
}

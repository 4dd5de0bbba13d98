namespace RecSynth.Configuration;

/// <summary>
/// Price model: log-normal, <c>base × category factor × brand factor × condition factor × exp(sigma × N(0,1))</c>,
/// rounded to cents. The defaults reproduce the original data: median ≈ 57, mean ≈ 85.
/// </summary>
public sealed record PriceOptions
{
    /// <summary>Median price of an item whose factors are all 1.</summary>
    [Knob("median price of an item whose category, brand and condition factors are all 1", Min = 0.01, Max = 1_000_000)]
    public double Base { get; init; } = 39.66;

    /// <summary>Log-normal spread.</summary>
    [Knob("log-normal spread (standard deviation of log price) around the factors", Min = 0, Max = 3)]
    public double Sigma { get; init; } = 0.67;
}

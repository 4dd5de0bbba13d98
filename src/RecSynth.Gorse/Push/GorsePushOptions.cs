namespace RecSynth.Gorse;

/// <summary>How a push runs.</summary>
public sealed record GorsePushOptions
{
    /// <summary>Rows per request.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Skip the batches the folder's checkpoint records as acknowledged by the same push.</summary>
    public bool Resume { get; init; }
}

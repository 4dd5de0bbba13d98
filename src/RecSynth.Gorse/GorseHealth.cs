namespace RecSynth.Gorse;

/// <summary>The answer of <c>GET /api/health/ready</c>.</summary>
public sealed record GorseHealth
{
    /// <summary>Both stores answer.</summary>
    public bool Ready { get; init; }

    /// <summary>The data store answers.</summary>
    public bool DataStoreConnected { get; init; }

    /// <summary>The cache store answers.</summary>
    public bool CacheStoreConnected { get; init; }
}

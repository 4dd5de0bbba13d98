namespace RecSynth.Gorse.TestServer;

/// <summary>What the server did with a request.</summary>
public enum FaultKind
{
    /// <summary>Handled normally.</summary>
    None,

    /// <summary>500, nothing stored.</summary>
    Error,

    /// <summary>Half stored, then 500.</summary>
    PartialWrite,

    /// <summary>Everything stored, then the connection dropped.</summary>
    Drop,

    /// <summary>429 with Retry-After, nothing stored.</summary>
    TooManyRequests,

    /// <summary>429 without Retry-After, nothing stored: Gorse's API quota, spent until it resets.</summary>
    QuotaSpent,

    /// <summary>Held for a while, then handled normally.</summary>
    Slow,

    /// <summary>503, nothing stored (one of the first <see cref="GorseFaults.UnavailableWrites"/> writes).</summary>
    Unavailable,
}

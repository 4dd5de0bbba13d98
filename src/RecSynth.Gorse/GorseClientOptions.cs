namespace RecSynth.Gorse;

/// <summary>Where Gorse is and how hard to try. A class, not a record: its text form must never show the API key.</summary>
public sealed class GorseClientOptions
{
    /// <summary>The server, e.g. <c>http://127.0.0.1:8087</c> (the paths <c>/api/…</c> are appended).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Sent as <c>X-API-Key</c>; never logged or shown.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Retries of a transient failure (5xx, 429, timeout, dropped connection) before giving up.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>The first backoff; it doubles per retry, with jitter. A 429's Retry-After takes precedence.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take before it counts as a timeout (and is retried).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Called before each retry (from the thread of the failed attempt, possibly several at once), e.g. to show it.</summary>
    public Action<GorseRetry>? OnRetry { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"Gorse at {Endpoint}";
}

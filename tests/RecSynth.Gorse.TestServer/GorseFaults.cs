namespace RecSynth.Gorse.TestServer;

/// <summary>
/// Faults injected into write requests (POST/PUT of users, items, feedback), each with its own probability, drawn from
/// one seeded stream in the order requests arrive.
/// </summary>
public sealed record GorseFaults
{
    /// <summary>No faults.</summary>
    public static GorseFaults None { get; } = new();

    /// <summary>The first this many writes answer 503 Service Unavailable, storing nothing (before any other fault is drawn).</summary>
    public int UnavailableWrites { get; init; }

    /// <summary>Answer 500 without storing anything.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Store the first half of the batch, then answer 500 (Gorse writes in chunks without a transaction).</summary>
    public double PartialWriteRate { get; init; }

    /// <summary>Store the whole batch, then drop the connection without an answer.</summary>
    public double DropRate { get; init; }

    /// <summary>
    /// Every write answers 429 without Retry-After, as Gorse's API quota check does once the quota is spent
    /// (server/rest.go: Gorse's only 429, and no Gorse code sets Retry-After).
    /// </summary>
    public bool QuotaSpent { get; init; }

    /// <summary>Answer 429 with a Retry-After header, storing nothing (a proxy's throttling in front of Gorse).</summary>
    public double TooManyRequestsRate { get; init; }

    /// <summary>Hold the request for <see cref="SlowDelay"/> before handling it normally (a client with a shorter timeout gives up first).</summary>
    public double SlowRate { get; init; }

    /// <summary>How long a slow request is held.</summary>
    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The Retry-After of a 429, in whole seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Added before every request is handled (reads too).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Seed of the fault stream.</summary>
    public int Seed { get; init; } = 1;
}

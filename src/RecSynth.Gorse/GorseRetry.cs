namespace RecSynth.Gorse;

/// <summary>A transient failure that the client is about to retry (see <see cref="GorseClientOptions.OnRetry"/>).</summary>
/// <param name="Request">The method and path, e.g. <c>PUT /api/feedback</c>.</param>
/// <param name="Outcome">What happened, as words that follow the request: <c>answered 503 Service Unavailable</c>, <c>got no answer: Connection refused (127.0.0.1:8088)</c>, <c>got no answer within 60 s</c>.</param>
/// <param name="Number">Which retry this is, from 1.</param>
/// <param name="MaxRetries">The retries allowed (<see cref="GorseClientOptions.MaxRetries"/>).</param>
/// <param name="Delay">The wait before the retry (a 429's Retry-After, or the backoff).</param>
public sealed record GorseRetry(string Request, string Outcome, int Number, int MaxRetries, TimeSpan Delay);

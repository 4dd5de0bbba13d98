namespace RecSynth.Gorse.TestServer;

/// <summary>A stored feedback; <see cref="Updated"/> is the inserted timestamp, as Gorse sets it.</summary>
public sealed record StoredFeedback(string FeedbackType, string UserId, string ItemId, double Value, DateTimeOffset Timestamp, DateTimeOffset Updated, string Comment);

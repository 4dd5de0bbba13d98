using System.Text.Json.Nodes;

namespace RecSynth.Gorse.TestServer;

/// <summary>A stored user.</summary>
public sealed record StoredUser(string UserId, JsonNode? Labels, string Comment);

/// <summary>A stored item.</summary>
public sealed record StoredItem(string ItemId, bool IsHidden, IReadOnlyList<string>? Categories, DateTimeOffset Timestamp, JsonNode? Labels, string Comment);

/// <summary>A stored feedback; <see cref="Updated"/> is the inserted timestamp, as Gorse sets it.</summary>
public sealed record StoredFeedback(string FeedbackType, string UserId, string ItemId, double Value, DateTimeOffset Timestamp, DateTimeOffset Updated, string Comment);

using System.Text.Json.Nodes;

namespace RecSynth.Gorse.TestServer;

/// <summary>A stored item.</summary>
public sealed record StoredItem(string ItemId, bool IsHidden, IReadOnlyList<string>? Categories, DateTimeOffset Timestamp, JsonNode? Labels, string Comment);

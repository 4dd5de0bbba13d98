using System.Text.Json.Nodes;

namespace RecSynth.Gorse.TestServer;

/// <summary>A stored user.</summary>
public sealed record StoredUser(string UserId, JsonNode? Labels, string Comment);

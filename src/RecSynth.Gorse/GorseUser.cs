using System.Text.Json.Nodes;

namespace RecSynth.Gorse;

/// <summary>A Gorse user: <c>{"UserId", "Labels", "Comment"}</c>.</summary>
public sealed record GorseUser
{
    /// <summary>The id.</summary>
    public required string UserId { get; init; }

    /// <summary>Labels: strings, numbers, flat arrays of either, or objects of these (Gorse rejects anything else).</summary>
    public JsonObject? Labels { get; init; }

    /// <summary>Free text.</summary>
    public string Comment { get; init => field = value ?? ""; } = "";
}

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>A Gorse item: <c>{"ItemId", "IsHidden", "Categories", "Timestamp", "Labels", "Comment"}</c>.</summary>
public sealed record GorseItem
{
    /// <summary>The id.</summary>
    public required string ItemId { get; init; }

    /// <summary>Hidden items are stored but never recommended.</summary>
    public bool IsHidden { get; init; }

    /// <summary>Categories (a <c>null</c> from the server reads as empty).</summary>
    public IReadOnlyList<string> Categories { get; init => field = value ?? []; } = [];

    /// <summary>When the item appeared; sent as RFC 3339 UTC (Gorse stores a missing one as year 1).</summary>
    [JsonConverter(typeof(Rfc3339Converter))]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Labels; an embedding goes in <c>Labels.embedding</c> as a flat number array.</summary>
    public JsonObject? Labels { get; init; }

    /// <summary>Free text.</summary>
    public string Comment { get; init => field = value ?? ""; } = "";
}

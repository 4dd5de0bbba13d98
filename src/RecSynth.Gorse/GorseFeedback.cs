using System.Text.Json.Serialization;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>A Gorse feedback, keyed by (FeedbackType, UserId, ItemId).</summary>
public sealed record GorseFeedback
{
    /// <summary>The type, e.g. view, like, purchase.</summary>
    public required string FeedbackType { get; init; }

    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary>The item.</summary>
    public required string ItemId { get; init; }

    /// <summary>The value: PUT stores it, POST adds it to the stored one.</summary>
    public double Value { get; init; }

    /// <summary>When it happened; sent as RFC 3339 UTC.</summary>
    [JsonConverter(typeof(Rfc3339Converter))]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Free text.</summary>
    public string Comment { get; init => field = value ?? ""; } = "";
}

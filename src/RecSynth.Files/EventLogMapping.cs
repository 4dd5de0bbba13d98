using System.Collections.Immutable;

namespace RecSynth.Files;

/// <summary>
/// Which columns of an event log (CSV or Parquet) hold the user, the product, the event type, the time and (optionally)
/// the session, and which event-type names stand for view, like and purchase (docs/fitting.md). Rows of other types
/// are skipped and counted.
/// </summary>
public sealed record EventLogMapping
{
    /// <summary>The user column.</summary>
    public required string User { get; init; }

    /// <summary>The product column.</summary>
    public required string Item { get; init; }

    /// <summary>The event-type column.</summary>
    public required string Type { get; init; }

    /// <summary>The time column: Unix seconds, Unix milliseconds (a number of 12 digits or more), or an ISO 8601 / RFC 3339 time.</summary>
    public required string Time { get; init; }

    /// <summary>The session column; null: sessions are split by inactivity.</summary>
    public string? Session { get; init; }

    /// <summary>Type names read as a view.</summary>
    public ImmutableArray<string> Views { get; init; } = ["view"];

    /// <summary>Type names read as a like.</summary>
    public ImmutableArray<string> Likes { get; init; } = ["like"];

    /// <summary>Type names read as a purchase.</summary>
    public ImmutableArray<string> Purchases { get; init; } = ["purchase"];

    /// <summary>A RecSynth dataset's interactions (<c>FeedbackType,UserId,ItemId,Timestamp,…,SessionId</c>).</summary>
    public static EventLogMapping RecSynth { get; } = new() { User = "UserId", Item = "ItemId", Type = "FeedbackType", Time = "Timestamp", Session = "SessionId" };

    /// <summary>
    /// The RetailRocket layout: <c>timestamp,visitorid,event,itemid,transactionid</c>, times in Unix milliseconds,
    /// events <c>view</c>, <c>addtocart</c> (read as a like) and <c>transaction</c> (a purchase).
    /// </summary>
    public static EventLogMapping RetailRocket { get; } = new()
    {
        User = "visitorid",
        Item = "itemid",
        Type = "event",
        Time = "timestamp",
        Views = ["view"],
        Likes = ["addtocart"],
        Purchases = ["transaction"],
    };

    /// <summary>
    /// Reads <c>view=a|b,like=c,purchase=d</c> into the type names of <paramref name="mapping"/> (a kind left out
    /// keeps its names).
    /// </summary>
    /// <exception cref="DatasetUsageException">The text names another kind, or a kind without names.</exception>
    public static EventLogMapping WithTypes(EventLogMapping mapping, string types)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(types);
        foreach (string part in types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string kind = equals < 0 ? part : part[..equals].Trim();
            ImmutableArray<string> names = equals < 0 ? [] :
                [.. part[(equals + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            if (names.IsEmpty)
            {
                throw new DatasetUsageException($"--types: '{part}' names no event type (write {kind}=NAME, or {kind}=NAME|NAME)");
            }

            mapping = kind switch
            {
                "view" => mapping with { Views = names },
                "like" => mapping with { Likes = names },
                "purchase" => mapping with { Purchases = names },
                _ => throw new DatasetUsageException($"--types: '{kind}' is not view, like or purchase"),
            };
        }

        var repeated = mapping.Views.Concat(mapping.Likes).Concat(mapping.Purchases).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? mapping : throw new DatasetUsageException($"--types: the event type '{repeated.Key}' is mapped twice");
    }
}

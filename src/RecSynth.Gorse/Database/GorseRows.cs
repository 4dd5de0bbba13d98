using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace RecSynth.Gorse.Database;

/// <summary>A row of Gorse's users table as Gorse writes it for <c>POST /api/users</c>.</summary>
internal readonly record struct UserValues(string UserId, string Labels, string Comment);

/// <summary>A row of Gorse's items table as Gorse writes it for <c>POST /api/items</c>.</summary>
internal readonly record struct ItemValues(string ItemId, bool IsHidden, string Categories, DateTime TimeStamp, string Labels, string Comment);

/// <summary>A row of Gorse's feedback table as Gorse writes it for <c>PUT /api/feedback</c>: <c>updated</c> is the timestamp, labels none.</summary>
internal readonly record struct FeedbackValues(string FeedbackType, string UserId, string ItemId, double Value, DateTime TimeStamp, DateTime Updated, string? Labels, string Comment);

/// <summary>
/// The dataset's rows as Gorse stores them (the REST push's records, <see cref="GorseDataset.User"/> and the rest, with
/// labels and categories as Go's <c>json.Marshal</c> writes them and times in UTC), and the order-independent
/// checksum of a table that <c>--verify</c> reports.
/// </summary>
internal sealed class GorseRows(GorseDataset dataset)
{
    // Feedback is written in its key's order (types, then user ids, then item ids, bytewise): the database's key index
    // is then built from, or appended with, sorted input (PostgreSQL's bulk path builds it 3-4 times faster).
    private readonly Lazy<int[]> _feedbackOrder = new(dataset.FeedbackInKeyOrder);

    public GorseDataset Dataset { get; } = dataset;

    public long Count(string table) => table switch
    {
        "users" => Dataset.UserCount,
        "items" => Dataset.ItemCount,
        _ => Dataset.FeedbackCount,
    };

    public UserValues User(int index) => Of(Dataset.User(index));

    public ItemValues Item(int index) => Of(Dataset.Item(index));

    /// <summary>Feedback row <paramref name="index"/> in key order.</summary>
    public FeedbackValues Feedback(int index) => Of(Dataset.Feedback(_feedbackOrder.Value[index]));

    private static UserValues Of(GorseUser user) => new(user.UserId, GoJson.Write(user.Labels), user.Comment);

    private static ItemValues Of(GorseItem item) =>
        new(item.ItemId, item.IsHidden, GoJson.Write(item.Categories), item.Timestamp.UtcDateTime, GoJson.Write(item.Labels), item.Comment);

    private static FeedbackValues Of(GorseFeedback feedback) =>
        new(feedback.FeedbackType, feedback.UserId, feedback.ItemId, feedback.Value, feedback.Timestamp.UtcDateTime, feedback.Timestamp.UtcDateTime, null, feedback.Comment);

    /// <summary>The key a row is known by in messages: the id, or type/user/item.</summary>
    public string Key(string table, int index) => table switch
    {
        "users" => Dataset.User(index).UserId,
        "items" => Dataset.Item(index).ItemId,
        _ => Feedback(index) is var f ? $"{f.FeedbackType}/{f.UserId}/{f.ItemId}" : "",
    };
}

/// <summary>
/// The hash of a row for a table's order-independent checksum: XxHash3 of the row's text (JSON in Go's form, times as
/// UTC ticks, numbers round-trip); a table's checksum is the sum (mod 2^64) of its rows' hashes. Rows read back from any
/// of the three databases, in any order, give the dataset's checksum exactly when they hold the same values.
/// </summary>
internal static class RowHash
{
    /// <param name="row">The row.</param>
    /// <param name="canonical">Rewrite its JSON in Go's form first (rows read back); the dataset's rows are in it already.</param>
    public static ulong Of(UserValues row, bool canonical) => Hash(row.UserId, Json(row.Labels, canonical), row.Comment);

    public static ulong Of(ItemValues row, bool canonical) =>
        Hash(row.ItemId, row.IsHidden ? "1" : "0", Json(row.Categories, canonical), Ticks(row.TimeStamp), Json(row.Labels, canonical), row.Comment);

    public static ulong Of(FeedbackValues row, bool canonical) => Hash(
        row.FeedbackType, row.UserId, row.ItemId, row.Value.ToString("R", CultureInfo.InvariantCulture), Ticks(row.TimeStamp), Ticks(row.Updated),
        row.Labels is null ? "null" : Json(row.Labels, canonical), row.Comment);

    public static string Format(ulong sum) => sum.ToString("x16", CultureInfo.InvariantCulture);

    private static string Json(string text, bool canonical) => canonical ? GoJson.Canonical(text) : text;

    private static string Ticks(DateTime time) => time.Ticks.ToString(CultureInfo.InvariantCulture);

    private static ulong Hash(params ReadOnlySpan<string> fields)
    {
        var text = new StringBuilder();
        foreach (string field in fields)
        {
            text.Append(field).Append('\u001f');
        }

        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text.ToString()));
    }
}

using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// Reads a generated dataset's tables back, from their CSV files or, in a folder that has only those, their Parquet
/// files, checking every field; errors name the file, the line (a Parquet file's row), the column and the value.
/// </summary>
public static class DatasetReader
{
    /// <summary>The catalogue table.</summary>
    public const string ProductsFile = "products.csv";

    /// <summary>The users table.</summary>
    public const string UsersFile = "users.csv";

    /// <summary>The behaviour log.</summary>
    public const string InteractionsFile = "interactions.csv";

    /// <summary>The columns of metrics.csv before its Share&lt;Arm&gt; columns (one per arm), in order.</summary>
    public static IReadOnlyList<string> MetricsColumns => MetricsTable.FixedColumns;

    /// <summary>The image embeddings, one row per product.</summary>
    public const string EmbeddingsFile = "embeddings.npy";

    /// <summary>
    /// The files that hold a table (given by its CSV name, e.g. <c>interactions.csv</c>, or any other file's name),
    /// relative to the folder: the file itself when it exists; its Parquet form where the folder has only that; or, for a behaviour table written in shards' parts
    /// (docs/sharding.md), every part in shard order. Empty when the folder holds none.
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder holds parts, but not all of them.</exception>
    public static IReadOnlyList<string> TableFiles(string directory, string csvFile)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(csvFile);
        string parquet = Path.ChangeExtension(csvFile, ParquetTables.Extension);
        return File.Exists(Path.Combine(directory, csvFile)) ? [csvFile]
            : csvFile.EndsWith(".csv", StringComparison.Ordinal) && File.Exists(Path.Combine(directory, parquet)) ? [parquet]
            : PartsTable.Parts(directory, csvFile) is { } parts ? [.. parts.Select(p => Path.GetRelativePath(directory, p))]
            : [];
    }

    /// <summary>Every row of <c>products.csv</c> (or of <c>products.parquet</c> where the folder has only that), in file order.</summary>
    /// <exception cref="DatasetUsageException">The file is missing or a row is malformed.</exception>
    public static IReadOnlyList<ProductRow> ReadProducts(string directory, CancellationToken cancellationToken = default) =>
        [.. Products(directory, cancellationToken)];

    /// <summary>Every row of <c>users.csv</c> (or of <c>users.parquet</c> where the folder has only that), in file order.</summary>
    /// <exception cref="DatasetUsageException">The file is missing or a row is malformed.</exception>
    public static IReadOnlyList<UserRow> ReadUsers(string directory, CancellationToken cancellationToken = default) =>
        [.. Users(directory, cancellationToken)];

    /// <summary>The rows of <c>products.csv</c> one by one, each checked (and its item_id against the rows before it).</summary>
    internal static IEnumerable<ProductRow> Products(string directory, CancellationToken cancellationToken)
    {
        using var table = DatasetTable.Open(directory, ProductsFile, ProductsCsv.Columns);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (table.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new ProductRow(
                table.Text(0, "item_id"), table.Text(1, "category"), table.Text(2, "subcategory"), table.Text(3, "style"),
                table.Text(4, "color"), table.Text(5, "pattern"), table.Text(6, "material"), table.Text(7, "brand"),
                table.Text(8, "condition"), table.Text(9, "size"), table.Number(10, "price"), table.Time(11, "listed_at"),
                table.Number(12, "popularity"), table.Text(13, "title"));
            yield return ids.Add(row.ItemId) ? row : throw table.Problem("item_id", row.ItemId, "occurs twice");
        }
    }

    /// <summary>The rows of <c>users.csv</c> one by one, each checked (and its user_id against the rows before it).</summary>
    internal static IEnumerable<UserRow> Users(string directory, CancellationToken cancellationToken)
    {
        using var table = DatasetTable.Open(directory, UsersFile, UsersCsv.Columns);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (table.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string preferences = table.Text(5, "style_preferences");
            if (!IsJsonObject(preferences))
            {
                throw table.Problem("style_preferences", preferences, "is not a JSON object");
            }

            var row = new UserRow(
                table.Text(0, "user_id"), table.Text(1, "age_group"), table.Text(2, "primary_style"), table.Text(3, "price_sensitivity"),
                table.Text(4, "sustainability_focus"), preferences, table.Number(6, "cf_preference"), table.Number(7, "preference_consistency"),
                table.Number(8, "activity"), table.Time(9, "signed_up_at"), table.OptionalTime(10, "drift_at"), table.OptionalNumber(11, "cf_preference_after"));
            yield return ids.Add(row.UserId) ? row : throw table.Problem("user_id", row.UserId, "occurs twice");
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// Streams <c>interactions.csv</c> (or <c>interactions.parquet</c> where the folder has only that) row by row without
/// allocating per row: the text fields are spans into the reader's buffer, valid until the next <see cref="Read"/>.
/// </summary>
public sealed class InteractionsReader : IDisposable
{
    internal static readonly string[] Columns = ["FeedbackType", "UserId", "ItemId", "Timestamp", "RecType"];
    private readonly DatasetTable _table;

    private InteractionsReader(DatasetTable table) => _table = table;

    /// <summary>Opens <c>interactions.csv</c> in <paramref name="directory"/>, or <c>interactions.parquet</c> when only that exists.</summary>
    /// <exception cref="DatasetUsageException">The file is missing or unreadable, or it lacks a column.</exception>
    public static InteractionsReader Open(string directory) => new(DatasetTable.Open(directory, DatasetReader.InteractionsFile, Columns));

    /// <summary>The 1-based line of the current row (of a Parquet file: its 1-based row).</summary>
    public int Line => _table.Line;

    /// <summary>The current row's FeedbackType.</summary>
    public ReadOnlySpan<char> FeedbackType => _table.Span(0);

    /// <summary>The current row's UserId.</summary>
    public ReadOnlySpan<char> UserId => _table.Span(1);

    /// <summary>The current row's ItemId.</summary>
    public ReadOnlySpan<char> ItemId => _table.Span(2);

    /// <summary>The current row's Timestamp.</summary>
    public DateTimeOffset Timestamp { get; private set; }

    /// <summary>The current row's RecType (cf or image).</summary>
    public ReadOnlySpan<char> RecType => _table.Span(4);

    /// <summary>Moves to the next row and checks it; false at the end of the file.</summary>
    /// <exception cref="DatasetUsageException">The row is malformed (named by file and line).</exception>
    public bool Read()
    {
        if (!_table.MoveNext())
        {
            return false;
        }

        _table.Text(0, "FeedbackType");
        _table.Text(1, "UserId");
        _table.Text(2, "ItemId");
        _table.Text(4, "RecType");
        Timestamp = _table.Time(3, "Timestamp");
        return true;
    }

    /// <summary>An error about the current row, naming the file, the line (row) and the column.</summary>
    public DatasetUsageException Problem(string column, ReadOnlySpan<char> value, string why) => _table.Problem(column, value, why);

    /// <inheritdoc/>
    public void Dispose() => _table.Dispose();
}

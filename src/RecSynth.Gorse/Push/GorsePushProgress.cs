namespace RecSynth.Gorse;

/// <summary>How far a table's push has come.</summary>
/// <param name="Table">users, items or feedback.</param>
/// <param name="Done">Rows acknowledged (including those a resume skipped).</param>
/// <param name="Total">Rows of the table.</param>
/// <param name="Retries">Retries of this table's requests so far.</param>
public readonly record struct GorsePushProgress(string Table, long Done, long Total, long Retries);

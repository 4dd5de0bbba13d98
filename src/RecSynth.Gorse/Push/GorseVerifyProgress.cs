namespace RecSynth.Gorse;

/// <summary>How far the read-back of a table has come (<see cref="GorseVerify.VerifyAsync"/>).</summary>
/// <param name="Table">users, items or feedback.</param>
/// <param name="Checked">
/// Rows of the dataset accounted for: those read back so far and, once Gorse's listing is over, those it lacks (rows
/// Gorse holds beyond the dataset do not count).
/// </param>
/// <param name="Total">Rows of the dataset's table.</param>
public readonly record struct GorseVerifyProgress(string Table, long Checked, long Total);

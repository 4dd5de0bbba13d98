namespace RecSynth.Gorse;

/// <summary>What the push did for one table.</summary>
/// <param name="Table">users, items or feedback.</param>
/// <param name="Rows">Rows of the table.</param>
/// <param name="RowsSent">Rows sent and acknowledged in this run (not those a resume skipped): what a rate counts.</param>
/// <param name="BatchesSent">Batches sent and acknowledged in this run.</param>
/// <param name="BatchesSkipped">Batches a resume skipped (acknowledged by an earlier run).</param>
/// <param name="Retries">Retries of this table's requests.</param>
/// <param name="Elapsed">Time spent on the table.</param>
public sealed record GorseTableResult(string Table, long Rows, long RowsSent, int BatchesSent, int BatchesSkipped, long Retries, TimeSpan Elapsed);

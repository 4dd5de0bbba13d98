namespace RecSynth.Gorse;

/// <summary>One table compared between the dataset and what Gorse holds.</summary>
/// <param name="Table">users, items or feedback.</param>
/// <param name="Expected">Rows of the dataset.</param>
/// <param name="Missing">Rows of the dataset that Gorse does not hold.</param>
/// <param name="Different">Rows Gorse holds with another value (labels, categories, timestamp, value, comment…).</param>
/// <param name="Unexpected">Rows Gorse holds that the dataset does not (reported, not an error).</param>
/// <param name="Examples">The first few problems, each naming the row and what differs.</param>
public sealed record GorseTableCheck(string Table, long Expected, long Missing, long Different, long Unexpected, IReadOnlyList<string> Examples)
{
    /// <summary>The checksum of the dataset's rows (database loads only: an order-independent hash of every row's values).</summary>
    public string? ExpectedChecksum { get; init; }

    /// <summary>The same checksum over every row the table holds: equal to <see cref="ExpectedChecksum"/> when it holds exactly the dataset.</summary>
    public string? Checksum { get; init; }

    /// <summary>No row missing or different.</summary>
    public bool IsClean => Missing == 0 && Different == 0;
}

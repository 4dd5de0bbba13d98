namespace RecSynth.Files;

/// <summary>How far a file, or a phase of the work before or between files, has come.</summary>
/// <param name="File">
/// The file being written (e.g. <c>embeddings.npy</c>) or read, or the phase: <c>world products</c>, <c>world users</c>,
/// <c>CF pools</c>, <c>embeddings</c>, <c>image index</c>, <c>neighbour lists</c> (the simulated world and its sources), <c>behaviour</c>
/// (the weeks; <c>log replay</c> and <c>closed loop</c> for evaluate's two simulations).
/// </param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units the file or phase will hold.</param>
/// <param name="Unit">What is counted: "rows" for a file; products, users, communities or weeks for a phase.</param>
public readonly record struct GenerationProgress(string File, long Done, long Total, string Unit = "rows")
{
    /// <summary>Sessions simulated so far, for a phase counted in weeks (too coarse a unit for a rate); null otherwise.</summary>
    public long? Sessions { get; init; }
}

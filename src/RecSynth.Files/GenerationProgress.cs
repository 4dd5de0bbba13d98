namespace RecSynth.Files;

/// <summary>How far a file (or the simulation) has come.</summary>
/// <param name="File">The file being written, e.g. <c>embeddings.npy</c>.</param>
/// <param name="Done">Rows written so far.</param>
/// <param name="Total">Rows the file will hold.</param>
/// <param name="Unit">What is counted: "rows" for a file; "weeks" for the behaviour simulation.</param>
public readonly record struct GenerationProgress(string File, long Done, long Total, string Unit = "rows");

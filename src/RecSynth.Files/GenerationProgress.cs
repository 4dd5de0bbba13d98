namespace RecSynth.Files;

/// <summary>How far a file has been written.</summary>
/// <param name="File">The file being written, e.g. <c>embeddings.npy</c>.</param>
/// <param name="Done">Rows written so far.</param>
/// <param name="Total">Rows the file will hold.</param>
public readonly record struct GenerationProgress(string File, long Done, long Total);

namespace RecSynth.Files;

/// <summary>Where and how <c>DatasetGenerator</c> writes a dataset. None of these change the bytes written.</summary>
public sealed record GenerateOptions
{
    /// <summary>Output folder (created when missing).</summary>
    public string Directory { get; init; } = "generated_data";

    /// <summary>Which stage to run.</summary>
    public DatasetStage Stage { get; init; } = DatasetStage.All;

    /// <summary>Worker threads; output is byte-identical for any value.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Replace existing files in a non-empty folder.</summary>
    public bool Force { get; init; }
}

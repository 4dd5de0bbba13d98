namespace RecSynth.Files;

/// <summary>What a <c>generate</c> run needs, estimated before it starts (<see cref="DatasetGenerator.Estimate"/>).</summary>
/// <param name="MemoryBytes">The process's peak memory (resident set), in bytes.</param>
/// <param name="DiskBytes">The files' size, in bytes.</param>
public sealed record DatasetEstimate(long MemoryBytes, long DiskBytes);

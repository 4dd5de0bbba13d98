namespace RecSynth.Simulation;

/// <summary>
/// Where a world keeps the built-in sources' catalogue-side work — every product's image neighbour list and the taste
/// communities' CF pools — so that the runs on one catalogue (the shards of a dataset) compute it once
/// (<see cref="SimulationWorld.Sources"/>). A key names everything the content depends on but the catalogue: a cache
/// serves one catalogue. The content is opaque bytes; a cache that cannot keep it may drop it, and one that returns
/// content of the wrong length for its key is ignored and written over.
/// </summary>
public interface ISourceCache
{
    /// <summary>The content saved under <paramref name="key"/>, or null.</summary>
    byte[]? Load(string key);

    /// <summary>Saves <paramref name="content"/> under <paramref name="key"/>, replacing what was there.</summary>
    void Save(string key, ReadOnlySpan<byte> content);
}

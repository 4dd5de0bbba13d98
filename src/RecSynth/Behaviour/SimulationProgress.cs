namespace RecSynth.Behaviour;

/// <summary>
/// How far a phase of building the simulated world, or of simulating it, has come. The phases, in order:
/// <c>world products</c> and <c>world users</c> (the entities with their factors), <c>embeddings</c> (the products'
/// image embeddings, composed when the image source is first built from them), <c>image index</c> and
/// <c>neighbour lists</c> (the image source; neither of these three when it comes from the world's sources cache), <c>CF pools</c> (the CF source's per-community candidate pools),
/// then the weeks (<c>behaviour</c>, or the name the caller gives the run), and for a bandit the daily metrics against
/// the ground truth (<c>metrics</c>, in days). Each phase reports 0 first and
/// <see cref="Total"/> last, in between once per block of work; the counts only grow.
/// </summary>
/// <param name="Phase">The phase, e.g. <c>neighbour lists</c>.</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units the phase does.</param>
/// <param name="Unit">What is counted: products, users, communities or weeks.</param>
public readonly record struct SimulationProgress(string Phase, long Done, long Total, string Unit)
{
    /// <summary>Sessions simulated so far, for a phase counted in weeks (too coarse a unit for a rate); null for other phases.</summary>
    public long? Sessions { get; init; }
}

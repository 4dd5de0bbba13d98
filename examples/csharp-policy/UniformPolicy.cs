namespace RecSynth.Examples.OutsidePolicy;

/// <summary>Every arm with probability 1/k, drawn per session from (seed, session id): the same whatever the batches.</summary>
internal sealed class UniformPolicy(IReadOnlyList<string> arms, ulong seed) : ArmPolicy(arms)
{
    public override bool Learns => false;

    public override int Choose(string userId, string sessionId, out double propensity)
    {
        var random = new SeededRandom(seed, sessionId);
        propensity = 1.0 / Arms.Count;
        return random.NextInt(Arms.Count);
    }
}

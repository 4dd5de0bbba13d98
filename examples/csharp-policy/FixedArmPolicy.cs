namespace RecSynth.Examples.OutsidePolicy;

/// <summary>Always the same arm: the cheapest policy, which measures what the protocol itself costs.</summary>
internal sealed class FixedArmPolicy : ArmPolicy
{
    private readonly int _arm;

    public override bool Learns => false;

    public FixedArmPolicy(IReadOnlyList<string> arms, string arm)
        : base(arms)
    {
        _arm = arms.ToList().IndexOf(arm);
        if (_arm < 0)
        {
            throw new ProtocolException($"arm \"{arm}\" is not one of {string.Join(", ", arms)}");
        }
    }

    public override int Choose(string userId, string sessionId, out double propensity)
    {
        propensity = 1;
        return _arm;
    }
}

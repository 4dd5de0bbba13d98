namespace RecSynth.Examples.OutsidePolicy;

/// <summary>Makes the policy once hello has named the arms and the seed.</summary>
/// <param name="Name">The policy's part of the name answered to hello (`csharp-` + this).</param>
/// <param name="Create">From hello's arms and seed.</param>
internal sealed record PolicyFactory(string Name, Func<IReadOnlyList<string>, ulong, ArmPolicy> Create);

using CsCheck;
using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// Satiation's least factor over the products above a slate position: the vectorised comparison (four products at a
/// time, by byte equality) picks the same table entries as comparing the products one by one with ItemAttributes.Match.
/// </summary>
public sealed class SatiationFactorTests
{
    [Fact]
    public void The_least_factor_equals_the_one_by_one_reference()
    {
        // Attributes from a few values per byte, so that products share any pattern of bytes; the table's entries
        // are distinct, so a wrong entry shows. Up to 20 products above: the vector loop, its tail and both together.
        double[] factors = [.. Enumerable.Range(0, 65).Select(i => 1 - (i * 37 % 65) / 100.0)];
        var attribute = Gen.Byte[0, 2].Array[8].Select(bytes => new ItemAttributes(BitConverter.ToUInt64(bytes)));
        Gen.Select(attribute, attribute.Array[0, 20]).Sample((attributes, above) =>
        {
            double expected = factors[^1];
            foreach (var other in above)
            {
                expected = Math.Min(expected, factors[ItemAttributes.Match(attributes, other)]);
            }

            Assert.Equal(expected, Simulator.LeastFactor(above, attributes, factors));
        }, iter: 20_000);
    }
}

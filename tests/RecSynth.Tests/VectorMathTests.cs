using CsCheck;
using RecSynth.Internals;

namespace RecSynth.Tests;

/// <summary>The paired dot product (<see cref="VectorMath.Dot2"/>) gives the bits of two plain ones (<see cref="VectorMath.Dot"/>).</summary>
public sealed class VectorMathTests
{
    [Fact]
    public void Two_dot_products_at_once_equal_two_single_ones() =>
        Gen.Int[0, 600].SelectMany(length => Gen.Select(Gen.Float[-2, 2].Array[length], Gen.Float[-2, 2].Array[length], Gen.Float[-2, 2].Array[length]))
            .Sample((a1, a2, b) =>
            {
                var (first, second) = VectorMath.Dot2(a1, a2, b);
                Assert.Equal(BitConverter.SingleToInt32Bits(VectorMath.Dot(a1, b)), BitConverter.SingleToInt32Bits(first));
                Assert.Equal(BitConverter.SingleToInt32Bits(VectorMath.Dot(a2, b)), BitConverter.SingleToInt32Bits(second));
            }, iter: 2_000);
}

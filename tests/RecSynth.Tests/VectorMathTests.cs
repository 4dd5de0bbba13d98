using CsCheck;
using RecSynth.Internals;

namespace RecSynth.Tests;

/// <summary>
/// The batched dot products (<see cref="VectorMath.Dot2"/>, <see cref="VectorMath.Dot2x4"/>) give the bits of plain
/// ones (<see cref="VectorMath.Dot"/>).
/// </summary>
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

    [Fact]
    public void Eight_dot_products_at_once_equal_eight_single_ones() =>
        Gen.Int[0, 600].SelectMany(length => Gen.Float[-2, 2].Array[length].Array[6])
            .Sample(v =>
            {
                // Lengths below, at and between multiples of 8 and 32: every pass, the groups of eight and the tail.
                var dots = new float[8];
                VectorMath.Dot2x4(v[0], v[1], v[2], v[3], v[4], v[5], dots);
                for (int j = 0; j < 4; j++)
                {
                    for (int i = 0; i < 2; i++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(VectorMath.Dot(v[i], v[2 + j])), BitConverter.SingleToInt32Bits(dots[2 * j + i]));
                    }
                }
            }, iter: 2_000);
}

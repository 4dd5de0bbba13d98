using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecSynth.Internals;

/// <summary>
/// Dot products whose bits do not depend on the machine: running sums in a fixed lane layout added up in a fixed order.
/// The library's reductions sum in an order that depends on the vector width, and a ranking by similarity must not
/// change from one machine to the next.
/// </summary>
internal static class VectorMath
{
    /// <summary>Dot product of two float vectors of the same length (any length; the tail beyond a multiple of 8 is added last, in order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        var sums = default(Sums);
        nuint blocks = (nuint)(a.Length & ~31);
        nuint k = 0;
        for (; k < blocks; k += 32)
        {
            sums.AddBlock(ref x, k, Vector256.LoadUnsafe(ref y, k), Vector256.LoadUnsafe(ref y, k + 8), Vector256.LoadUnsafe(ref y, k + 16), Vector256.LoadUnsafe(ref y, k + 24));
        }

        nuint whole = (nuint)(a.Length & ~7);
        for (; k < whole; k += 8)
        {
            sums.AddEight(ref x, k, Vector256.LoadUnsafe(ref y, k));
        }

        float sum = sums.Total();
        for (int t = (int)whole; t < a.Length; t++)
        {
            sum += a[t] * b[t];
        }

        return sum;
    }

    /// <summary>
    /// <see cref="Dot"/> of two vectors with a third, both at once (the same bits as two calls): the third vector is
    /// loaded once for both, which a batch of similarity searches is bound by.
    /// </summary>
    public static (float First, float Second) Dot2(ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, ReadOnlySpan<float> b)
    {
        if (a1.Length != b.Length || a2.Length != b.Length)
        {
            throw new ArgumentException("the vectors differ in length", nameof(b));
        }

        ref float x1 = ref MemoryMarshal.GetReference(a1);
        ref float x2 = ref MemoryMarshal.GetReference(a2);
        ref float y = ref MemoryMarshal.GetReference(b);
        var first = default(Sums);
        var second = default(Sums);
        nuint blocks = (nuint)(b.Length & ~31);
        nuint k = 0;
        for (; k < blocks; k += 32)
        {
            var (y0, y1, y2, y3) = (Vector256.LoadUnsafe(ref y, k), Vector256.LoadUnsafe(ref y, k + 8), Vector256.LoadUnsafe(ref y, k + 16), Vector256.LoadUnsafe(ref y, k + 24));
            first.AddBlock(ref x1, k, y0, y1, y2, y3);
            second.AddBlock(ref x2, k, y0, y1, y2, y3);
        }

        nuint whole = (nuint)(b.Length & ~7);
        for (; k < whole; k += 8)
        {
            var y0 = Vector256.LoadUnsafe(ref y, k);
            first.AddEight(ref x1, k, y0);
            second.AddEight(ref x2, k, y0);
        }

        var (one, two) = (first.Total(), second.Total());
        for (int t = (int)whole; t < b.Length; t++)
        {
            one += a1[t] * b[t];
            two += a2[t] * b[t];
        }

        return (one, two);
    }

    /// <summary>
    /// The eight dot products of two vectors (<paramref name="a0"/>, <paramref name="a1"/>) with four others
    /// (<paramref name="b0"/>…<paramref name="b3"/>), each with <see cref="Dot"/>'s bits, into
    /// <paramref name="dots"/>[2·j + i] = a_i · b_j. <see cref="Dot"/> keeps four running sums (lanes k mod 32 by
    /// groups of eight); here each of them is run for all eight products before the next, so that the sums of one
    /// pass, and what they multiply, fit the registers: every element is loaded once per pass instead of once per product.
    /// </summary>
    public static void Dot2x4(
        ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2, ReadOnlySpan<float> b3, Span<float> dots)
    {
        int d = a0.Length;
        if (a1.Length != d || b0.Length != d || b1.Length != d || b2.Length != d || b3.Length != d || dots.Length < 8)
        {
            throw new ArgumentException("the vectors differ in length");
        }

        ref float x0 = ref MemoryMarshal.GetReference(a0);
        ref float x1 = ref MemoryMarshal.GetReference(a1);
        ref float y0 = ref MemoryMarshal.GetReference(b0);
        ref float y1 = ref MemoryMarshal.GetReference(b1);
        ref float y2 = ref MemoryMarshal.GetReference(b2);
        ref float y3 = ref MemoryMarshal.GetReference(b3);
        Span<Vector256<float>> sums = stackalloc Vector256<float>[4 * 8]; // [pass, product]
        nuint blocks = (nuint)(d & ~31);
        nuint whole = (nuint)(d & ~7);
        for (int pass = 0; pass < 4; pass++)
        {
            var (s00, s10, s01, s11) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            var (s02, s12, s03, s13) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            nuint k = (nuint)(8 * pass);
            // Dot's blocks of 32, then (into the first sum) its remaining groups of eight.
            nuint step = 32;
            for (int phase = 0; phase < (pass == 0 ? 2 : 1); phase++)
            {
                nuint end = phase == 0 ? blocks : whole;
                for (; k < end; k += step)
                {
                    var (u0, u1) = (Vector256.LoadUnsafe(ref x0, k), Vector256.LoadUnsafe(ref x1, k));
                    var v = Vector256.LoadUnsafe(ref y0, k);
                    s00 += u0 * v;
                    s10 += u1 * v;
                    v = Vector256.LoadUnsafe(ref y1, k);
                    s01 += u0 * v;
                    s11 += u1 * v;
                    v = Vector256.LoadUnsafe(ref y2, k);
                    s02 += u0 * v;
                    s12 += u1 * v;
                    v = Vector256.LoadUnsafe(ref y3, k);
                    s03 += u0 * v;
                    s13 += u1 * v;
                }

                k = blocks;
                step = 8;
            }

            var pass8 = sums.Slice(8 * pass, 8);
            (pass8[0], pass8[1], pass8[2], pass8[3], pass8[4], pass8[5], pass8[6], pass8[7]) = (s00, s10, s01, s11, s02, s12, s03, s13);
        }

        for (int product = 0; product < 8; product++)
        {
            dots[product] = Sum((sums[product] + sums[8 + product]) + (sums[16 + product] + sums[24 + product]));
        }

        for (int t = (int)whole; t < d; t++)
        {
            dots[0] += a0[t] * b0[t];
            dots[1] += a1[t] * b0[t];
            dots[2] += a0[t] * b1[t];
            dots[3] += a1[t] * b1[t];
            dots[4] += a0[t] * b2[t];
            dots[5] += a1[t] * b2[t];
            dots[6] += a0[t] * b3[t];
            dots[7] += a1[t] * b3[t];
        }
    }

    /// <summary>
    /// Four independent running sums over blocks of 32 (lanes k mod 32), so that the additions do not wait on each
    /// other, then the remaining blocks of 8 into the first; combined in a fixed order.
    /// </summary>
    private struct Sums
    {
        private Vector256<float> _s0;
        private Vector256<float> _s1;
        private Vector256<float> _s2;
        private Vector256<float> _s3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddBlock(ref float x, nuint k, Vector256<float> y0, Vector256<float> y1, Vector256<float> y2, Vector256<float> y3)
        {
            _s0 += Vector256.LoadUnsafe(ref x, k) * y0;
            _s1 += Vector256.LoadUnsafe(ref x, k + 8) * y1;
            _s2 += Vector256.LoadUnsafe(ref x, k + 16) * y2;
            _s3 += Vector256.LoadUnsafe(ref x, k + 24) * y3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddEight(ref float x, nuint k, Vector256<float> y0) => _s0 += Vector256.LoadUnsafe(ref x, k) * y0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly float Total() => Sum((_s0 + _s1) + (_s2 + _s3));
    }

    /// <summary>The lanes of <see cref="Dot"/>'s running sums added up in its fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> sums)
    {
        var half = sums.GetLower() + sums.GetUpper(); // lanes i + (i + 4)
        return (half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3));
    }
}

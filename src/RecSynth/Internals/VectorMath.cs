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

        // Four independent sums over blocks of 32 (lanes k mod 32), so that the additions do not wait on each other,
        // then the remaining blocks of 8 into the first; combined in a fixed order.
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        var s2 = Vector256<float>.Zero;
        var s3 = Vector256<float>.Zero;
        nuint blocks = (nuint)(a.Length & ~31);
        nuint k = 0;
        for (; k < blocks; k += 32)
        {
            s0 += Vector256.LoadUnsafe(ref x, k) * Vector256.LoadUnsafe(ref y, k);
            s1 += Vector256.LoadUnsafe(ref x, k + 8) * Vector256.LoadUnsafe(ref y, k + 8);
            s2 += Vector256.LoadUnsafe(ref x, k + 16) * Vector256.LoadUnsafe(ref y, k + 16);
            s3 += Vector256.LoadUnsafe(ref x, k + 24) * Vector256.LoadUnsafe(ref y, k + 24);
        }

        nuint whole = (nuint)(a.Length & ~7);
        for (; k < whole; k += 8)
        {
            s0 += Vector256.LoadUnsafe(ref x, k) * Vector256.LoadUnsafe(ref y, k);
        }

        float sum = Sum((s0 + s1) + (s2 + s3));
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
        var p0 = Vector256<float>.Zero;
        var p1 = Vector256<float>.Zero;
        var p2 = Vector256<float>.Zero;
        var p3 = Vector256<float>.Zero;
        var q0 = Vector256<float>.Zero;
        var q1 = Vector256<float>.Zero;
        var q2 = Vector256<float>.Zero;
        var q3 = Vector256<float>.Zero;
        nuint blocks = (nuint)(b.Length & ~31);
        nuint k = 0;
        for (; k < blocks; k += 32)
        {
            var y0 = Vector256.LoadUnsafe(ref y, k);
            var y1 = Vector256.LoadUnsafe(ref y, k + 8);
            var y2 = Vector256.LoadUnsafe(ref y, k + 16);
            var y3 = Vector256.LoadUnsafe(ref y, k + 24);
            p0 += Vector256.LoadUnsafe(ref x1, k) * y0;
            p1 += Vector256.LoadUnsafe(ref x1, k + 8) * y1;
            p2 += Vector256.LoadUnsafe(ref x1, k + 16) * y2;
            p3 += Vector256.LoadUnsafe(ref x1, k + 24) * y3;
            q0 += Vector256.LoadUnsafe(ref x2, k) * y0;
            q1 += Vector256.LoadUnsafe(ref x2, k + 8) * y1;
            q2 += Vector256.LoadUnsafe(ref x2, k + 16) * y2;
            q3 += Vector256.LoadUnsafe(ref x2, k + 24) * y3;
        }

        nuint whole = (nuint)(b.Length & ~7);
        for (; k < whole; k += 8)
        {
            var y0 = Vector256.LoadUnsafe(ref y, k);
            p0 += Vector256.LoadUnsafe(ref x1, k) * y0;
            q0 += Vector256.LoadUnsafe(ref x2, k) * y0;
        }

        float first = Sum((p0 + p1) + (p2 + p3));
        float second = Sum((q0 + q1) + (q2 + q3));
        for (int t = (int)whole; t < b.Length; t++)
        {
            first += a1[t] * b[t];
            second += a2[t] * b[t];
        }

        return (first, second);
    }

    /// <summary>The lanes of <see cref="Dot"/>'s running sums added up in its fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> sums)
    {
        var half = sums.GetLower() + sums.GetUpper(); // lanes i + (i + 4)
        return (half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3));
    }
}

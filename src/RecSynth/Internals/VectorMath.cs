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

        var sums = (s0 + s1) + (s2 + s3);
        var half = sums.GetLower() + sums.GetUpper(); // lanes i + (i + 4)
        float sum = (half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3));
        for (int t = (int)whole; t < a.Length; t++)
        {
            sum += a[t] * b[t];
        }

        return sum;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecSynth.Internals;

/// <summary>
/// Dot products whose bits do not depend on the machine: eight running sums (lanes k mod 8) added up lane by lane.
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
        var sums = Vector256<float>.Zero;
        nuint whole = (nuint)(a.Length & ~7);
        for (nuint k = 0; k < whole; k += 8)
        {
            sums += Vector256.LoadUnsafe(ref x, k) * Vector256.LoadUnsafe(ref y, k);
        }

        float sum = 0;
        for (int lane = 0; lane < 8; lane++)
        {
            sum += sums.GetElement(lane);
        }

        for (int k = (int)whole; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}

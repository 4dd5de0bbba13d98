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
    /// <summary>Dot product of two float vectors whose length is a multiple of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        var sums = Vector256<float>.Zero;
        for (nuint k = 0; k < (nuint)a.Length; k += 8)
        {
            sums += Vector256.LoadUnsafe(ref x, k) * Vector256.LoadUnsafe(ref y, k);
        }

        float sum = 0;
        for (int lane = 0; lane < 8; lane++)
        {
            sum += sums.GetElement(lane);
        }

        return sum;
    }

    /// <summary>A scalar dot product in order (for short vectors such as the hidden factors).</summary>
    public static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}

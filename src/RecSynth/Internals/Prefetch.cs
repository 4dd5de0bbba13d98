using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RecSynth.Internals;

/// <summary>
/// Asks the CPU to bring an array element's cache line in, ahead of its use, so that the misses of a batch of random
/// accesses overlap instead of following one another. A hint only: it never faults, and on a CPU without SSE it does
/// nothing (the element is not pinned: should the collector move the array meanwhile, a wrong line is fetched, which
/// is harmless).
/// </summary>
internal static class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(T[] array, int index)
        where T : unmanaged
    {
        if (Sse.IsSupported && (uint)index < (uint)array.Length)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref array[index]));
        }
    }
}

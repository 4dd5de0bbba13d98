using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RecSynth.Behaviour;

/// <summary>
/// What a session's response reads about a product, a 64-byte row per product that starts on a cache line: the item
/// terms of the interest's logit by the user's price sensitivity and sustainability focus (9), the purchase factor by
/// price sensitivity (3), and the product's <see cref="ItemAttributes"/> (for satiation). Products are read in an order
/// no prefetcher guesses, so each is one cache miss instead of one per table (docs/design.md §4; the large preset's
/// profile in docs/benchmarks.md). The values are the ones the separate tables held: the output does not change.
/// </summary>
internal sealed class ProductRows
{
    public const int Floats = 16; // 64 bytes
    public const int Interest = 0; // [price sensitivity × 3 + sustainability focus]
    public const int Purchase = 9; // [price sensitivity]
    private const int AttributesAt = 12; // two floats' room for the packed attributes

    private readonly float[] _rows; // pinned, so that the first row's offset keeps it on a cache line
    private readonly int _start; // floats before the first row

    public ProductRows(int products)
    {
        _rows = GC.AllocateArray<float>(products * Floats + Floats, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_rows, 0);
        _start = (int)((64 - address % 64) % 64 / sizeof(float));
    }

    /// <summary>The product's row (<see cref="Floats"/> floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Row(int item) => _rows.AsSpan(_start + item * Floats, Floats);

    public void SetAttributes(int item, ItemAttributes attributes) =>
        MemoryMarshal.Write(MemoryMarshal.AsBytes(Row(item)[AttributesAt..]), attributes.Packed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ItemAttributes Attributes(ReadOnlySpan<float> row) => new(MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(row[AttributesAt..])));

    /// <summary>The address of the product's row (tests: it starts on a cache line).</summary>
    internal long Address(int item) => Marshal.UnsafeAddrOfPinnedArrayElement(_rows, _start + item * Floats);

    /// <summary>Starts bringing the product's row in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int item) => Internals.Prefetch.Line(_rows, _start + item * Floats);
}

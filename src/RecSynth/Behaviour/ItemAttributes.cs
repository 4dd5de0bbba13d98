using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RecSynth.Catalog;

namespace RecSynth.Behaviour;

/// <summary>
/// A product's attributes as the bytes of one word (category, subcategory, color, pattern, material, brand, style, 0):
/// what satiation and interest compare, in one word instead of the whole <see cref="Item"/>. The layout is this type's
/// alone: the rest of the code reads the attributes by name and compares products with <see cref="Match"/>.
/// </summary>
internal readonly record struct ItemAttributes(ulong Packed)
{
    /// <summary>The number of distinct matches (see <see cref="Match"/>): a bit for each of six attributes.</summary>
    public const int MatchCount = 64;

    private const ulong MatchBytes = 0x0000_FFFF_FFFF_FFFFUL; // the attributes Match compares: category to brand
    private const ulong HighBits = 0x8080_8080_8080_8080UL;
    private const ulong LowBits = 0x7F7F_7F7F_7F7F_7F7FUL;
    private const uint MatchBits = 0x3F3F_3F3F; // per product of Match4: the bits of its first six bytes

    public byte Category => (byte)Packed;

    public byte Subcategory => (byte)(Packed >> 8);

    public byte Color => (byte)(Packed >> 16);

    public byte Pattern => (byte)(Packed >> 24);

    public byte Material => (byte)(Packed >> 32);

    public byte Brand => (byte)(Packed >> 40);

    public byte Style => (byte)(Packed >> 48);

    public static ItemAttributes Pack(in Item item) =>
        new(item.Category | (ulong)item.Subcategory << 8 | (ulong)item.Color << 16 | (ulong)item.Pattern << 24
            | (ulong)item.Material << 32 | (ulong)item.Brand << 40 | (ulong)item.Style << 48);

    /// <summary>
    /// Which of the six attributes two products share: bit 0 the category, then subcategory, color, pattern, material
    /// and brand (the style is not compared). The bytes that are equal, without a branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Match(ItemAttributes a, ItemAttributes b)
    {
        ulong differ = (a.Packed ^ b.Packed) & MatchBytes;
        ulong equal = ~(((differ & LowBits) + LowBits) | differ) & HighBits & MatchBytes; // the high bit of each equal byte
        return (int)((equal >> 7) * 0x0102_0408_1020_4080UL >> 56) & 63;
    }

    /// <summary>A product's attributes in each quarter of a vector, for <see cref="Match4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<byte> Broadcast() => Vector256.Create(Packed).AsByte();

    /// <summary>
    /// <see cref="Match"/> of one product (<paramref name="these"/>, from <see cref="Broadcast"/>) with each of the first
    /// four <paramref name="others"/> at once: byte j of the result is the match with others[j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Match4(Vector256<byte> these, ReadOnlySpan<ItemAttributes> others) =>
        Vector256.Equals(these, Vector256.Create(MemoryMarshal.Cast<ItemAttributes, ulong>(others)).AsByte()).ExtractMostSignificantBits() & MatchBits;
}

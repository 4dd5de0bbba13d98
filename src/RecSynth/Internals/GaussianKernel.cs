using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RecSynth.Internals;

/// <summary>
/// Vectorised standard normals for the embedding noise: counter-based uniforms (two rounds of a 32-bit integer
/// hash), then Box–Muller with our own log and sin/cos polynomials. Everything is written with plain IEEE
/// operations on 8-lane vectors (or the same operations on scalars), so the bits are the same on every machine
/// and for every vector width — which the library's transcendental functions do not promise.
/// </summary>
internal static class GaussianKernel
{
    public const int Lanes = 8;
    private const uint Golden = 0x9E3779B9u;
    private const float Ln2 = 0.693147180559945309f;
    private const float HalfPi = 1.57079632679489662f;
    private const float Scale24 = 1f / (1 << 24);

    /// <summary>Eight pairs of normals: (r·cos θ, r·sin θ) for counters c..c+7 (radius) and c+half..c+half+7 (angle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Cos, Vector256<float> Sin) Pairs(uint counter, uint half, uint keyLow, uint keyHigh)
    {
        var lanes = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        var first = Bits(Vector256.Create(counter) + lanes, keyLow, keyHigh);
        var second = Bits(Vector256.Create(counter + half) + lanes, keyLow, keyHigh);
        var u1 = (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(first, 8).AsInt32()) + Vector256.Create(0.5f)) * Vector256.Create(Scale24);
        var u2 = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(second, 8).AsInt32()) * Vector256.Create(Scale24);
        var radius = Vector256.Sqrt(Vector256.Create(-2f) * Log(u1));
        var (sin, cos) = SinCosTurns(u2);
        return (radius * cos, radius * sin);
    }

    /// <summary>Fills <paramref name="destination"/> with standard normals from the stream (keyLow, keyHigh); length a multiple of 16.</summary>
    public static void Fill(Span<float> destination, uint keyLow, uint keyHigh)
    {
        uint half = (uint)destination.Length / 2;
        for (int k = 0; k < (int)half; k += Lanes)
        {
            var (cos, sin) = Pairs((uint)k, half, keyLow, keyHigh);
            cos.CopyTo(destination[k..]);
            sin.CopyTo(destination[((int)half + k)..]);
        }
    }

    /// <summary>The scalar twin of <see cref="Pairs"/> for one lane: same operations, same bits.</summary>
    public static (float Cos, float Sin) Pair(uint counter, uint half, uint keyLow, uint keyHigh)
    {
        uint first = Bits(counter, keyLow, keyHigh);
        uint second = Bits(counter + half, keyLow, keyHigh);
        float u1 = ((int)(first >> 8) + 0.5f) * Scale24;
        float u2 = (int)(second >> 8) * Scale24;
        float radius = MathF.Sqrt(-2f * Log(u1));
        var (sin, cos) = SinCosTurns(u2);
        return (radius * cos, radius * sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Bits(Vector256<uint> counter, uint keyLow, uint keyHigh) =>
        Hash(Hash(counter * Vector256.Create(Golden) + Vector256.Create(keyLow)) ^ Vector256.Create(keyHigh));

    private static uint Bits(uint counter, uint keyLow, uint keyHigh) => Hash(Hash(counter * Golden + keyLow) ^ keyHigh);

    /// <summary>Chris Wellons' "lowbias32" integer hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Hash(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7FEB352Du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846CA68Bu);
        x ^= Vector256.ShiftRightLogical(x, 16);
        return x;
    }

    private static uint Hash(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        return x;
    }

    /// <summary>Natural log for positive normal floats: x = 2^e·m with m in [√½, √2), log m by the atanh series.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Log(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var exponent = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
        var mantissa = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        var large = Vector256.GreaterThan(mantissa, Vector256.Create(1.41421356f));
        mantissa = Vector256.ConditionalSelect(large, mantissa * Vector256.Create(0.5f), mantissa);
        exponent += large.AsInt32() & Vector256.Create(1);
        var f = mantissa - Vector256.Create(1f);
        var s = f / (Vector256.Create(2f) + f);
        var s2 = s * s;
        var series = Vector256.Create(1f / 9);
        series = series * s2 + Vector256.Create(1f / 7);
        series = series * s2 + Vector256.Create(1f / 5);
        series = series * s2 + Vector256.Create(1f / 3);
        series = series * s2 + Vector256.Create(1f);
        return Vector256.ConvertToSingle(exponent) * Vector256.Create(Ln2) + Vector256.Create(2f) * s * series;
    }

    private static float Log(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        int exponent = (bits >> 23) - 127;
        float mantissa = BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | 0x3F800000);
        if (mantissa > 1.41421356f)
        {
            mantissa *= 0.5f;
            exponent += 1;
        }

        float f = mantissa - 1f;
        float s = f / (2f + f);
        float s2 = s * s;
        float series = 1f / 9;
        series = series * s2 + 1f / 7;
        series = series * s2 + 1f / 5;
        series = series * s2 + 1f / 3;
        series = series * s2 + 1f;
        return exponent * Ln2 + 2f * s * series;
    }

    /// <summary>sin and cos of 2π·u for u in [0, 1): quarter-turn reduction, then polynomials on [-π/4, π/4].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Sin, Vector256<float> Cos) SinCosTurns(Vector256<float> u)
    {
        var quarters = u * Vector256.Create(4f);
        var quadrant = Vector256.ConvertToInt32(quarters + Vector256.Create(0.5f)); // round(4u), u >= 0
        var phi = (quarters - Vector256.ConvertToSingle(quadrant)) * Vector256.Create(HalfPi);
        var p2 = phi * phi;
        var sin = Vector256.Create(1f / 362880);
        sin = sin * p2 - Vector256.Create(1f / 5040);
        sin = sin * p2 + Vector256.Create(1f / 120);
        sin = sin * p2 - Vector256.Create(1f / 6);
        sin = (sin * p2 + Vector256.Create(1f)) * phi;
        var cos = Vector256.Create(1f / 40320);
        cos = cos * p2 - Vector256.Create(1f / 720);
        cos = cos * p2 + Vector256.Create(1f / 24);
        cos = cos * p2 - Vector256.Create(0.5f);
        cos = cos * p2 + Vector256.Create(1f);

        // Rotate by quadrant·90°: q=1 → (cos, -sin)→ sin' = cos, cos' = -sin; q=2 → negate both; q=3 → sin' = -cos, cos' = sin.
        var q = quadrant & Vector256.Create(3);
        var swap = Vector256.Equals(q & Vector256.Create(1), Vector256.Create(1)).AsSingle();
        var sinOut = Vector256.ConditionalSelect(swap, cos, sin);
        var cosOut = Vector256.ConditionalSelect(swap, sin, cos);
        var negateSin = Vector256.GreaterThanOrEqual(q, Vector256.Create(2)).AsSingle();
        var negateCos = Vector256.Equals(q, Vector256.Create(1)).AsSingle() | Vector256.Equals(q, Vector256.Create(2)).AsSingle();
        var signBit = Vector256.Create(-0f);
        return (sinOut ^ (negateSin & signBit), cosOut ^ (negateCos & signBit));
    }

    private static (float Sin, float Cos) SinCosTurns(float u)
    {
        float quarters = u * 4f;
        int quadrant = (int)(quarters + 0.5f);
        float phi = (quarters - quadrant) * HalfPi;
        float p2 = phi * phi;
        float sin = 1f / 362880;
        sin = sin * p2 - 1f / 5040;
        sin = sin * p2 + 1f / 120;
        sin = sin * p2 - 1f / 6;
        sin = (sin * p2 + 1f) * phi;
        float cos = 1f / 40320;
        cos = cos * p2 - 1f / 720;
        cos = cos * p2 + 1f / 24;
        cos = cos * p2 - 0.5f;
        cos = cos * p2 + 1f;
        return (quadrant & 3) switch
        {
            0 => (sin, cos),
            1 => (cos, -sin),
            2 => (-sin, -cos),
            _ => (-cos, sin),
        };
    }
}

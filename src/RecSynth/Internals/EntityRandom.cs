using System.Runtime.CompilerServices;

namespace RecSynth.Internals;

/// <summary>
/// Which part of the model a random stream feeds. Each (seed, stream, entity index) has its own
/// independent sequence, so adding a column, a stage or a thread never reshuffles the others.
/// The numeric values are part of the seeded output: never renumber them.
/// </summary>
internal enum RandomStream : ulong
{
    ItemAttributes = 1,
    ItemEmbedding = 2,
    ItemFactors = 3,
    UserAttributes = 4,
    UserFactors = 5,
    Prototypes = 6,
    Communities = 7,
    UserDrift = 8,
    ImageIndex = 9,
    Sessions = 10,
    SessionDraws = 11,
    TasteSeed = 12,
    PolicyDraws = 13,
}

/// <summary>
/// A small counter-based generator (SplitMix64) keyed by (seed, stream, entity index).
/// Value type on purpose: one lives on the stack per entity, no allocation.
/// </summary>
internal struct EntityRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public EntityRandom(ulong seed, RandomStream stream, long index)
    {
        // Three rounds of mixing so that neighbouring (seed, stream, index) triples land far apart.
        ulong key = Mix(seed + Gamma);
        key = Mix(key ^ ((ulong)stream * 0xD1B54A32D192ED03UL));
        _state = Mix(key ^ ((ulong)index * 0xABC98388FB8FAC03UL + 0x8CB92BA72F3D8DD7UL));
    }

    /// <summary>A 64-bit key for derived generators (such as the vectorised embedding noise).</summary>
    public readonly ulong Key => _state;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>Uniform on [0, 1), 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on (0, 1): safe to take the logarithm of. 52 bits, so that k + 0.5 is exact and stays below 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 12) + 0.5) * (1.0 / (1UL << 52));

    /// <summary>Uniform integer on [0, n), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ulong m = (ulong)(uint)NextUInt64() * (uint)n;
        uint low = (uint)m;
        if (low < (uint)n)
        {
            uint threshold = (uint)-n % (uint)n;
            while (low < threshold)
            {
                m = (ulong)(uint)NextUInt64() * (uint)n;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Standard normal by Box–Muller (one of the pair; the model needs few per entity).</summary>
    public double NextNormal()
    {
        double u1 = NextOpenDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public bool NextBernoulli(double p) => NextDouble() < p;

    /// <summary>Poisson(mean): multiplication of uniforms for small means, else the normal approximation's rounding refined by PTRS.</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean < 30)
        {
            double limit = Math.Exp(-mean);
            double product = NextDouble();
            int count = 0;
            while (product > limit)
            {
                product *= NextDouble();
                count++;
            }

            return count;
        }

        // Hörmann's transformed rejection with squeeze (PTRS), exact for means >= 10.
        double slam = Math.Sqrt(mean);
        double loglam = Math.Log(mean);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b) <= -mean + k * loglam - LogFactorial(k))
            {
                return (int)k;
            }
        }
    }

    private static double LogFactorial(double k)
    {
        if (k < 20)
        {
            double f = 0;
            for (int i = 2; i <= (int)k; i++)
            {
                f += Math.Log(i);
            }

            return f;
        }

        // Stirling's series.
        return (k + 0.5) * Math.Log(k) - k + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
    }

    public double NextUniform(double min, double max) => min + (max - min) * NextDouble();

    public double NextLogNormal(double mu, double sigma) => Math.Exp(mu + sigma * NextNormal());

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang, with the shape &lt; 1 boost.</summary>
    public double NextGamma(double shape)
    {
        if (shape < 1.0)
        {
            double boost = Math.Pow(NextOpenDouble(), 1.0 / shape);
            return NextGamma(shape + 1.0) * boost;
        }

        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1.0 + c * x;
            }
            while (v <= 0.0);

            v = v * v * v;
            double u = NextOpenDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>Beta(alpha, beta) as X/(X+Y) of two Gammas, computed from their logarithms so tiny shapes do not underflow to 0/0.</summary>
    public double NextBeta(double alpha, double beta)
    {
        double logX = NextLogGamma(alpha);
        double logY = NextLogGamma(beta);
        return 1.0 / (1.0 + Math.Exp(logY - logX));
    }

    /// <summary>log of a Gamma(shape, 1) draw; for shape &lt; 1 the boost U^(1/shape) is applied as log(U)/shape.</summary>
    private double NextLogGamma(double shape) =>
        shape < 1.0 ? Math.Log(NextGamma(shape + 1.0)) + Math.Log(NextOpenDouble()) / shape : Math.Log(NextGamma(shape));

    /// <summary>An index drawn from a cumulative distribution (last entry is the total).</summary>
    public int NextFromCumulative(ReadOnlySpan<double> cumulative)
    {
        // Count the boundaries at or below u, without branches: the draw is unpredictable by design, and the
        // vocabularies are small. Zero-weight values have equal neighbouring boundaries and are never chosen.
        double u = NextDouble() * cumulative[^1];
        int index = 0;
        for (int i = 0; i < cumulative.Length - 1; i++)
        {
            index += u >= cumulative[i] ? 1 : 0;
        }

        return index;
    }
}

namespace RecSynth.Examples.OutsidePolicy;

/// <summary>
/// SplitMix64 keyed by (seed, key), where the key names what the numbers are for (a session id): each session draws
/// from its own stream, so a step split into several choose messages, or sessions in another order, change nothing.
/// </summary>
internal struct SeededRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public SeededRandom(ulong seed, string key)
    {
        ulong hash = 0xCBF29CE484222325UL; // FNV-1a over the key's UTF-16 code units
        foreach (char c in key)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        _state = Mix(Mix(seed + Golden) ^ hash);
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform on [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on (0, 1): safe to take the logarithm of.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 12) + 0.5) * (1.0 / (1UL << 52));

    /// <summary>Uniform on [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>Standard normal (Box–Muller).</summary>
    public double NextNormal() => Math.Sqrt(-2 * Math.Log(NextOpenDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang's method.</summary>
    public double NextGamma(double shape)
    {
        if (shape < 1)
        {
            return NextGamma(shape + 1) * Math.Pow(NextOpenDouble(), 1 / shape);
        }

        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            double u = NextOpenDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>Beta(alpha, beta), as X / (X + Y) of two gamma draws.</summary>
    public double NextBeta(double alpha, double beta)
    {
        double x = NextGamma(alpha);
        return x / (x + NextGamma(beta));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

using System.Reflection;
using CsCheck;
using RecSynth.Internals;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// The random streams behind every entity (<see cref="EntityRandom"/>): ranges, uniformity, the distributions
/// the model draws from, and independence of (seed, stream, index).
/// </summary>
public sealed class EntityRandomTests
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private static readonly Gen<(long Seed, int Stream, int Index)> s_triple =
        Gen.Select(Gen.Long[0, long.MaxValue], Gen.Int[1, 8], Gen.Int[0, int.MaxValue]);

    [Fact]
    public void NextInt_stays_in_0_to_n() =>
        Gen.Select(s_triple, Gen.Int[1, int.MaxValue]).Sample((t, n) =>
        {
            var random = Create(t);
            for (int i = 0; i < 50; i++)
            {
                int x = random.NextInt(n);
                Assert.InRange(x, 0, n - 1);
            }
        }, iter: 2_000);

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(100)]
    public void NextInt_is_uniform(int n)
    {
        // 20,000 draws per value, chi-square against the p ≈ 3e-7 bound.
        var random = new EntityRandom(1, RandomStream.ItemAttributes, n);
        var draws = new int[20_000 * n];
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = random.NextInt(n);
        }

        Stats.AssertFollowsWeights(draws, [.. Enumerable.Repeat(1.0, n)], $"NextInt({n})");
    }

    [Fact]
    public void NextInt_has_no_bias_for_a_large_bound()
    {
        // n = 3·2^29: without rejection, multiply-shift maps 2^32 inputs onto n outputs 3, 3, 2, 3, 3, 2… times,
        // so the output mod 3 would come out 3/8, 3/8, 2/8. Unbiased, it is uniform. 300,000 draws, chi-square.
        const int n = 3 << 29;
        var random = new EntityRandom(2, RandomStream.ItemAttributes, 0);
        var residues = new int[300_000];
        for (int i = 0; i < residues.Length; i++)
        {
            residues[i] = random.NextInt(n) % 3;
        }

        Stats.AssertFollowsWeights(residues, [1, 1, 1], "NextInt(3·2^29) mod 3");
    }

    [Fact]
    public void NextDouble_is_in_0_1_and_NextOpenDouble_in_the_open_interval() =>
        s_triple.Sample(t =>
        {
            var random = Create(t);
            for (int i = 0; i < 50; i++)
            {
                double x = random.NextDouble();
                Assert.True(x is >= 0 and < 1, $"NextDouble gave {x:R}");
                double y = random.NextOpenDouble();
                Assert.True(y is > 0 and < 1, $"NextOpenDouble gave {y:R}");
            }
        }, iter: 2_000);

    [Fact]
    public void NextDouble_stays_below_one_at_the_largest_output()
    {
        var random = AtNextOutput(ulong.MaxValue);
        Assert.True(random.NextDouble() < 1.0);
    }

    [Fact]
    public void NextOpenDouble_stays_above_zero_at_the_smallest_output()
    {
        var random = AtNextOutput(0);
        Assert.True(random.NextOpenDouble() > 0.0);
    }

    [Fact]
    public void NextOpenDouble_stays_below_one_at_the_largest_output()
    {
        // (2^53 − 1) + 0.5 is not a double: it rounds to 2^53, so the top 53-bit value maps to exactly 1.0.
        var random = AtNextOutput(ulong.MaxValue);
        double x = random.NextOpenDouble();
        Assert.True(x < 1.0, $"NextOpenDouble returned {x:R} for the largest 64-bit output; it promises (0, 1)");
    }

    [Fact]
    public void NextDouble_and_NextOpenDouble_are_uniform()
    {
        // n = 500,000: the mean of U(0,1) has standard error √(1/12/n) = 0.0004; Kolmogorov–Smirnov bound 1.95/√n.
        var random = new EntityRandom(3, RandomStream.UserAttributes, 0);
        double[] closed = new double[500_000];
        double[] open = new double[500_000];
        for (int i = 0; i < closed.Length; i++)
        {
            closed[i] = random.NextDouble();
            open[i] = random.NextOpenDouble();
        }

        foreach (var (name, x) in new[] { ("NextDouble", closed), ("NextOpenDouble", open) })
        {
            Stats.AssertNear(0.5, Stats.Mean(x), Stats.Z * Math.Sqrt(1.0 / 12 / x.Length), name + " mean");
            Stats.AssertNear(1.0 / 12, Stats.Variance(x), Stats.Z * Math.Sqrt(1.0 / 180 / x.Length), name + " variance");
            double ks = Stats.KolmogorovSmirnov(x, u => u);
            Assert.True(ks < Stats.KolmogorovSmirnovBound(x.Length), $"{name}: Kolmogorov–Smirnov distance to U(0, 1) is {ks}");
        }
    }

    [Fact]
    public void NextNormal_is_standard_normal()
    {
        // n = 500,000: standard errors 0.0014 (mean), 0.002 (variance); Kolmogorov–Smirnov bound 1.95/√n.
        var random = new EntityRandom(4, RandomStream.Prototypes, 0);
        double[] z = new double[500_000];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = random.NextNormal();
        }

        Stats.AssertNear(0, Stats.Mean(z), Stats.Z / Math.Sqrt(z.Length), "mean");
        Stats.AssertNear(1, Stats.Variance(z), Stats.Z * Math.Sqrt(2.0 / z.Length), "variance");
        double ks = Stats.KolmogorovSmirnov(z, Stats.NormalCdf);
        Assert.True(ks < Stats.KolmogorovSmirnovBound(z.Length), $"Kolmogorov–Smirnov distance to N(0, 1) is {ks}");
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(7.5)]
    public void NextGamma_has_mean_and_variance_equal_to_the_shape(double shape)
    {
        // Gamma(k, 1): mean k, variance k, fourth central moment 3k² + 6k. n = 200,000: standard errors √(k/n) for
        // the mean and √((2k² + 6k)/n) for the variance; 5σ bands.
        const int n = 200_000;
        var random = new EntityRandom(5, RandomStream.UserAttributes, (long)(shape * 10));
        double[] x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextGamma(shape);
        }

        Assert.All(x, v => Assert.True(v >= 0));
        Stats.AssertNear(shape, Stats.Mean(x), Stats.Z * Math.Sqrt(shape / n), $"Gamma({shape}) mean");
        Stats.AssertNear(shape, Stats.Variance(x), Stats.Z * Math.Sqrt((2 * shape * shape + 6 * shape) / n), $"Gamma({shape}) variance");
    }

    [Theory]
    [InlineData(2.0, 2.0)]
    [InlineData(0.5, 3.0)]
    [InlineData(12.0, 3.0)]
    public void NextBeta_has_the_beta_mean_and_variance(double a, double b)
    {
        // Beta(a, b): mean a/(a+b), variance σ² = ab/((a+b)²(a+b+1)), excess kurtosis
        // 6[(a−b)²(a+b+1) − ab(a+b+2)] / (ab(a+b+2)(a+b+3)). n = 200,000: the mean has standard error √(σ²/n), the
        // sample variance σ²·√((kurtosis − 1)/n). 5σ bands.
        const int n = 200_000;
        var random = new EntityRandom(6, RandomStream.UserDrift, (long)(a * 100 + b));
        double[] x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextBeta(a, b);
        }

        double mean = a / (a + b);
        double variance = a * b / ((a + b) * (a + b) * (a + b + 1));
        double kurtosis = 3 + 6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) / (a * b * (a + b + 2) * (a + b + 3));
        Assert.All(x, v => Assert.InRange(v, 0.0, 1.0));
        Stats.AssertNear(mean, Stats.Mean(x), Stats.Z * Math.Sqrt(variance / n), $"Beta({a}, {b}) mean");
        Stats.AssertNear(variance, Stats.Variance(x), Stats.Z * variance * Math.Sqrt((kurtosis - 1) / n), $"Beta({a}, {b}) variance");
    }

    [Fact]
    public void NextFromCumulative_follows_the_weights_and_never_draws_a_zero_weight()
    {
        double[] weights = [0.1, 0, 0.5, 0.4, 0, 2.0];
        double[] cumulative = Cumulative.Of(weights);
        var random = new EntityRandom(7, RandomStream.ItemAttributes, 0);
        var draws = new int[300_000];
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = random.NextFromCumulative(cumulative);
        }

        Stats.AssertFollowsWeights(draws, weights, "NextFromCumulative");
    }

    [Fact]
    public void NextBernoulli_is_true_with_probability_p()
    {
        var random = new EntityRandom(8, RandomStream.ItemAttributes, 0);
        foreach (double p in new[] { 0.0, 0.2, 0.5, 1.0 })
        {
            int hits = 0;
            for (int i = 0; i < 100_000; i++)
            {
                hits += random.NextBernoulli(p) ? 1 : 0;
            }

            Stats.AssertNear(p, hits / 100_000.0, Stats.Z * Stats.ProportionError(p, 100_000), $"Bernoulli({p})");
        }
    }

    [Fact]
    public void The_same_seed_stream_and_index_give_the_same_sequence() =>
        s_triple.Sample(t =>
        {
            var a = Create(t);
            var b = Create(t);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(a.NextUInt64(), b.NextUInt64());
            }
        }, iter: 1_000);

    [Fact]
    public void Neighbouring_seeds_streams_and_indices_start_far_apart()
    {
        // 3 seeds × 8 streams × 20,000 indices: 480,000 first outputs, all distinct (a collision among 64-bit
        // values is a 1e-8 event), and their top bit is set half the time (standard error 0.0007; 5σ band).
        var firsts = new HashSet<ulong>();
        int high = 0;
        foreach (ulong seed in new ulong[] { 0, 1, 42 })
        {
            for (ulong stream = 1; stream <= 8; stream++)
            {
                for (int index = 0; index < 20_000; index++)
                {
                    ulong x = new EntityRandom(seed, (RandomStream)stream, index).NextUInt64();
                    Assert.True(firsts.Add(x), $"seed {seed}, stream {stream}, index {index} repeats an earlier first output");
                    high += (int)(x >> 63);
                }
            }
        }

        Stats.AssertNear(0.5, high / (double)firsts.Count, Stats.Z * Stats.ProportionError(0.5, firsts.Count), "share of first outputs with the top bit set");
    }

    private static EntityRandom Create((long Seed, int Stream, int Index) t) => new((ulong)t.Seed, (RandomStream)t.Stream, t.Index);

    /// <summary>A generator whose next 64-bit output is <paramref name="output"/>: SplitMix64's finaliser is a bijection, so invert it.</summary>
    private static EntityRandom AtNextOutput(ulong output)
    {
        ulong state = Unmix(output) - Gamma;
        Assert.Equal(output, EntityRandom.Mix(state + Gamma)); // the inverse is right
        object boxed = new EntityRandom(0, RandomStream.ItemAttributes, 0);
        typeof(EntityRandom).GetField("_state", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(boxed, state);
        var random = (EntityRandom)boxed;
        var probe = random;
        Assert.Equal(output, probe.NextUInt64());
        return random;
    }

    private static ulong Unmix(ulong y)
    {
        y = UnXorShift(y, 31);
        y *= MultiplicativeInverse(0x94D049BB133111EBUL);
        y = UnXorShift(y, 27);
        y *= MultiplicativeInverse(0xBF58476D1CE4E5B9UL);
        return UnXorShift(y, 30);
    }

    private static ulong UnXorShift(ulong y, int shift)
    {
        ulong x = y;
        for (int i = 0; i * shift < 64; i++)
        {
            x = y ^ (x >> shift);
        }

        return x;
    }

    /// <summary>The inverse of an odd number modulo 2^64 by Newton's iteration (the correct bits double each step).</summary>
    private static ulong MultiplicativeInverse(ulong a)
    {
        ulong x = a;
        for (int i = 0; i < 6; i++)
        {
            x *= 2 - a * x;
        }

        return x;
    }
}

using CsCheck;
using System.Runtime.Intrinsics;
using RecSynth.Internals;
using RecSynth.Tests.Support;

namespace RecSynth.Tests;

/// <summary>
/// The embedding noise generator: the 8-lane path (<see cref="GaussianKernel.Pairs"/>) and the scalar path
/// (<see cref="GaussianKernel.Pair"/>) give the same bits, so embeddings are the same on every machine and vector
/// width; and what they give is standard normal noise.
/// </summary>
public sealed class GaussianKernelTests
{
    [Fact]
    public void The_vector_and_scalar_paths_give_bit_identical_floats() =>
        Gen.Select(Gen.Int, Gen.Int, Gen.Int, Gen.Int).Sample((counter, half, keyLow, keyHigh) =>
            AssertSameBits((uint)counter, (uint)half, (uint)keyLow, (uint)keyHigh), iter: 20_000);

    [Fact]
    public void The_vector_and_scalar_paths_agree_on_every_counter_an_embedding_uses()
    {
        // The counters a 512- and a 4096-float embedding actually use, for 64 keys.
        var random = new EntityRandom(11, RandomStream.ItemEmbedding, 0);
        for (int key = 0; key < 64; key++)
        {
            ulong k = random.NextUInt64();
            foreach (uint half in new uint[] { 256, 2048 })
            {
                for (uint counter = 0; counter < half; counter += GaussianKernel.Lanes)
                {
                    AssertSameBits(counter, half, (uint)k, (uint)(k >> 32));
                }
            }
        }
    }

    [Fact]
    public void The_noise_is_standard_normal()
    {
        // n = 4,096 keys × 256 pairs × 2 = 2,097,152 draws. Standard errors (5σ bands below): mean 1/√n = 0.0007;
        // variance √(2/n) = 0.001; fourth moment √((105 − 9)/n) = 0.0068 (E z⁸ = 105); a tail share p has
        // √(p(1 − p)/n). The Kolmogorov–Smirnov distance against Φ stays below 1.95/√n = 0.0013 (p = 0.001);
        // the 24-bit uniforms discretise the CDF by ~1e-7, negligible.
        double[] z = Draws(4_096, 256);
        int n = z.Length;
        double mean = Stats.Mean(z);
        double variance = Stats.Variance(z);
        double fourth = z.Average(x => x * x * x * x);
        Stats.AssertNear(0, mean, Stats.Z / Math.Sqrt(n), "mean");
        Stats.AssertNear(1, variance, Stats.Z * Math.Sqrt(2.0 / n), "variance");
        Stats.AssertNear(3, fourth, Stats.Z * Math.Sqrt(96.0 / n), "fourth moment");
        foreach (double t in new[] { 1.0, 2.0, 3.0, 4.0 })
        {
            double expected = 2 * (1 - Stats.NormalCdf(t));
            double share = z.Count(x => Math.Abs(x) > t) / (double)n;
            Stats.AssertNear(expected, share, Stats.Z * Stats.ProportionError(expected, n), $"P(|z| > {t})");
        }

        double ks = Stats.KolmogorovSmirnov(z, Stats.NormalCdf);
        Assert.True(ks < Stats.KolmogorovSmirnovBound(n), $"Kolmogorov–Smirnov distance to the standard normal {ks}");
    }

    [Fact]
    public void The_two_normals_of_a_pair_and_neighbouring_counters_are_uncorrelated()
    {
        // Correlations of independent standard normals over m pairs have a standard error of 1/√m.
        const int keys = 2_048;
        const uint half = 256;
        var cos = new List<double>();
        var sin = new List<double>();
        var random = new EntityRandom(5, RandomStream.ItemEmbedding, 1);
        for (int key = 0; key < keys; key++)
        {
            ulong k = random.NextUInt64();
            for (uint counter = 0; counter < half; counter++)
            {
                var (c, s) = GaussianKernel.Pair(counter, half, (uint)k, (uint)(k >> 32));
                cos.Add(c);
                sin.Add(s);
            }
        }

        int m = cos.Count;
        double pair = Enumerable.Range(0, m).Average(i => cos[i] * sin[i]);
        double serial = Enumerable.Range(0, m - 1).Where(i => (i + 1) % half != 0).Average(i => cos[i] * cos[i + 1]);
        Stats.AssertNear(0, pair, Stats.Z / Math.Sqrt(m), "correlation of cos and sin of one pair");
        Stats.AssertNear(0, serial, Stats.Z / Math.Sqrt(m), "correlation of neighbouring counters");
    }

    private static double[] Draws(int keys, uint half)
    {
        var z = new double[keys * (int)half * 2];
        var random = new EntityRandom(3, RandomStream.ItemEmbedding, 0);
        int at = 0;
        for (int key = 0; key < keys; key++)
        {
            ulong k = random.NextUInt64();
            for (uint counter = 0; counter < half; counter += GaussianKernel.Lanes)
            {
                var (cos, sin) = GaussianKernel.Pairs(counter, half, (uint)k, (uint)(k >> 32));
                for (int lane = 0; lane < GaussianKernel.Lanes; lane++)
                {
                    z[at++] = cos.GetElement(lane);
                    z[at++] = sin.GetElement(lane);
                }
            }
        }

        return z;
    }

    private static void AssertSameBits(uint counter, uint half, uint keyLow, uint keyHigh)
    {
        var (cos, sin) = GaussianKernel.Pairs(counter, half, keyLow, keyHigh);
        for (int lane = 0; lane < GaussianKernel.Lanes; lane++)
        {
            var (c, s) = GaussianKernel.Pair(counter + (uint)lane, half, keyLow, keyHigh);
            if (BitConverter.SingleToInt32Bits(c) != BitConverter.SingleToInt32Bits(cos.GetElement(lane))
                || BitConverter.SingleToInt32Bits(s) != BitConverter.SingleToInt32Bits(sin.GetElement(lane)))
            {
                Assert.Fail($"counter {counter} + lane {lane}, half {half}, key ({keyLow}, {keyHigh}): vector ({cos.GetElement(lane):R}, {sin.GetElement(lane):R}), scalar ({c:R}, {s:R})");
            }
        }
    }
}

namespace RecSynth.Tests.Support;

/// <summary>
/// The few statistics the tests need, written out so that the expected values come from docs/design.md and from
/// textbook formulas, never from the code under test.
/// </summary>
internal static class Stats
{
    /// <summary>
    /// z of the bounds used throughout: a two-sided 5σ band has a false-alarm rate of 6e-7 per check, so with
    /// fixed seeds and a few hundred checks a failure means the model changed, not bad luck.
    /// </summary>
    public const double Z = 5.0;

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    /// <summary>Unbiased sample variance.</summary>
    public static double Variance(ReadOnlySpan<double> values)
    {
        double mean = Mean(values);
        double sum = 0;
        foreach (double v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return sum / (values.Length - 1);
    }

    /// <summary>Standard error of the mean of <paramref name="values"/>.</summary>
    public static double StandardError(ReadOnlySpan<double> values) => Math.Sqrt(Variance(values) / values.Length);

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>Standard error of a proportion <paramref name="p"/> over <paramref name="n"/> trials.</summary>
    public static double ProportionError(double p, int n) => Math.Sqrt(p * (1 - p) / n);

    /// <summary>Pearson's chi-square statistic of observed counts against expected probabilities (cells with p = 0 are skipped).</summary>
    public static double ChiSquare(ReadOnlySpan<long> observed, ReadOnlySpan<double> probabilities)
    {
        long n = 0;
        foreach (long o in observed)
        {
            n += o;
        }

        double total = 0;
        foreach (double p in probabilities)
        {
            total += p;
        }

        double chi = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double expected = n * probabilities[i] / total;
            if (expected > 0)
            {
                chi += (observed[i] - expected) * (observed[i] - expected) / expected;
            }
        }

        return chi;
    }

    /// <summary>
    /// Upper bound for a chi-square statistic with <paramref name="degreesOfFreedom"/> degrees of freedom at the
    /// one-sided tail of a standard normal at <see cref="Z"/> (p ≈ 3e-7), by the Wilson–Hilferty approximation
    /// (accurate to a few percent from 3 degrees of freedom, conservative below).
    /// </summary>
    public static double ChiSquareBound(int degreesOfFreedom)
    {
        double k = degreesOfFreedom;
        double a = 2.0 / (9.0 * k);
        return k * Math.Pow(1 - a + Z * Math.Sqrt(a), 3);
    }

    /// <summary>Counts of each code in 0..<paramref name="cells"/>-1.</summary>
    public static long[] Counts(IEnumerable<int> codes, int cells)
    {
        var counts = new long[cells];
        foreach (int c in codes)
        {
            counts[c]++;
        }

        return counts;
    }

    /// <summary>
    /// Asserts that codes follow the relative <paramref name="weights"/>: zero-weight codes never occur, and the
    /// chi-square statistic over the others stays below <see cref="ChiSquareBound"/>.
    /// </summary>
    public static void AssertFollowsWeights(IEnumerable<int> codes, IReadOnlyList<double> weights, string what)
    {
        var counts = Counts(codes, weights.Count);
        int positive = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (weights[i] == 0)
            {
                Assert.True(counts[i] == 0, $"{what}: value {i} has weight 0 but was drawn {counts[i]} times");
            }
            else
            {
                positive++;
            }
        }

        double chi = ChiSquare(counts, [.. weights]);
        double bound = ChiSquareBound(positive - 1);
        Assert.True(chi < bound, $"{what}: chi-square {chi:F1} over {positive - 1} degrees of freedom exceeds {bound:F1}; counts [{string.Join(", ", counts)}]");
    }

    /// <summary>
    /// Kolmogorov–Smirnov distance between the sample and a continuous CDF. The sample may be rounded (ties):
    /// the distance is taken at the upper and lower end of each run of equal values.
    /// </summary>
    public static double KolmogorovSmirnov(IEnumerable<double> sample, Func<double, double> cdf)
    {
        double[] sorted = [.. sample];
        Array.Sort(sorted);
        int n = sorted.Length;
        double d = 0;
        int i = 0;
        while (i < n)
        {
            int j = i;
            while (j + 1 < n && sorted[j + 1] == sorted[i])
            {
                j++;
            }

            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(Math.Abs((double)(j + 1) / n - f), Math.Abs((double)i / n - f)));
            i = j + 1;
        }

        return d;
    }

    /// <summary>
    /// Bound for the Kolmogorov–Smirnov distance of <paramref name="n"/> draws: P(√n·D &gt; 1.95) ≈ 0.001 for the
    /// Kolmogorov distribution, plus <paramref name="rounding"/> for the largest shift of the CDF that rounding
    /// the values can cause.
    /// </summary>
    public static double KolmogorovSmirnovBound(int n, double rounding = 0) => 1.95 / Math.Sqrt(n) + rounding;

    /// <summary>The standard normal CDF Φ(x).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>The standard normal quantile by bisection on <see cref="NormalCdf"/> (tests only need a handful).</summary>
    public static double NormalQuantile(double p)
    {
        double lo = -40, hi = 40;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (NormalCdf(mid) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>Complementary error function (Numerical Recipes' Chebyshev fit, relative error &lt; 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /// <summary>Whether <paramref name="value"/> has at most <paramref name="decimals"/> decimals.</summary>
    public static bool HasAtMostDecimals(double value, int decimals)
    {
        decimal d = (decimal)value;
        for (int i = 0; i < decimals; i++)
        {
            d *= 10;
        }

        return d == decimal.Truncate(d);
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance with a readable message.</summary>
    public static void AssertNear(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected} ± {tolerance}, got {actual}");
}

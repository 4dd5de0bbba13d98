namespace RecSynth.Internals;

/// <summary>When an entity appears (a product is listed, a user signs up): during the period with a given share, else before it.</summary>
internal static class Arrival
{
    private const long Day = 86_400;

    /// <summary>Unix seconds: uniform in [start, end) with probability <paramref name="duringShare"/>, else uniform in the <paramref name="beforeDays"/> days before start.</summary>
    public static long Draw(ref EntityRandom random, long start, long end, double duringShare, int beforeDays) =>
        random.NextBernoulli(duringShare)
            ? start + (long)(random.NextDouble() * (end - start))
            : start - 1 - (long)(random.NextDouble() * (beforeDays * Day - 1));
}

using System.Globalization;

namespace RecSynth.Files;

/// <summary>
/// One of <see cref="Count"/> parts of the behaviour simulation, written <c>k/n</c> with a 0-based index (the
/// numbering of a Kubernetes Indexed Job's <c>JOB_COMPLETION_INDEX</c> and of a Slurm array started at 0). Shard
/// <c>k</c> simulates the users with indexes in [k·N/n, (k+1)·N/n); users never interact, so the shards together
/// hold exactly the rows of one unsharded run, which <see cref="DatasetMerger"/> puts back in file order.
/// </summary>
/// <param name="Index">0-based shard index, below <paramref name="Count"/>.</param>
/// <param name="Count">Number of shards, at least 1.</param>
public readonly record struct DatasetShard(int Index, int Count)
{
    /// <summary>The largest number of shards (far more than the users of any preset need).</summary>
    public const int MaxCount = 100_000;

    /// <summary>Parses <c>k/n</c>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static DatasetShard? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            error = "must be k/n: the 0-based shard index and the number of shards, e.g. 0/3, 1/3 and 2/3";
            return null;
        }

        if (count is < 1 or > MaxCount)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the number of shards must be in [1, {MaxCount}]");
            return null;
        }

        if (index >= count)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the shard index is 0-based and must be below the number of shards: 0/{count} to {count - 1}/{count}");
            return null;
        }

        return new DatasetShard(index, count);
    }

    /// <summary>The first user index of this shard and how many users it simulates, out of <paramref name="users"/>.</summary>
    public (int First, int Count) UsersOf(int users)
    {
        int first = (int)((long)users * Index / Count);
        int end = (int)((long)users * (Index + 1) / Count);
        return (first, end - first);
    }

    /// <summary>The <c>k/n</c> form.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

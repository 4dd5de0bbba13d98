using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>A dataset's vital signs (<c>recsynth stats</c>), read from its tables (CSV, or Parquet where a folder has only that).</summary>
public sealed record DatasetStats
{
    /// <summary>Products in products.csv.</summary>
    public long Products { get; init; }

    /// <summary>Users in users.csv.</summary>
    public long Users { get; init; }

    /// <summary>Rows of sessions.csv.</summary>
    public long Sessions { get; init; }

    /// <summary>Rows of interactions.csv.</summary>
    public long Interactions { get; init; }

    /// <summary>Interactions by feedback type.</summary>
    public SortedDictionary<string, long> EventMix { get; init; } = new(StringComparer.Ordinal);

    /// <summary>1 − (distinct user–product pairs with an interaction) / (users × products).</summary>
    public double Sparsity { get; init; }

    /// <summary>Quantiles (p10, p50, p90, p99, max) of interactions per user.</summary>
    public SortedDictionary<string, double> InteractionsPerUser { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Quantiles (p10, p50, p90, p99, max) of interactions per product.</summary>
    public SortedDictionary<string, double> InteractionsPerProduct { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Share of interactions on the 20 % most interacted-with products.</summary>
    public double Top20Share { get; init; }

    /// <summary>
    /// Reward rate per cf_preference bucket (the keys of <see cref="CfPreferenceBuckets"/>) and arm (<c>cf</c>,
    /// <c>image</c>, or <c>blend_0_25</c> for the blend level 0.25): identifiers, so that JSON keys need no quoting.
    /// </summary>
    public SortedDictionary<string, SortedDictionary<string, double>> RewardRate { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The cf_preference buckets of <see cref="RewardRate"/> in order: each key and what it stands for.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CfPreferenceBuckets { get; } =
    [
        new("cf_le_0_3", "cf_preference ≤ 0.3"),
        new("cf_0_3_to_0_7", "0.3 < cf_preference < 0.7"),
        new("cf_ge_0_7", "cf_preference ≥ 0.7"),
    ];

    /// <summary>Share of users (with a ground truth) whose optimal blend is strictly between 0 and 1; null without ground_truth.csv.</summary>
    public double? InteriorOptimalBlendShare { get; init; }

    /// <summary>Reads the dataset in <paramref name="directory"/>; needs products.csv and users.csv, and uses the behaviour files when present.</summary>
    /// <exception cref="DatasetUsageException">The folder is not a dataset.</exception>
    public static DatasetStats Compute(string directory, CancellationToken cancellationToken = default) =>
        From(DatasetScan.Read(directory, cancellationToken));

    /// <summary>The vital signs of a scanned dataset.</summary>
    public static DatasetStats From(DatasetScan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var sortedProducts = scan.InteractionsPerProduct.OrderDescending().ToArray();
        long top = sortedProducts.Take(Math.Max(1, sortedProducts.Length / 5)).Sum();
        var rewards = new Dictionary<(string Bucket, string Arm), (long Sessions, long Rewards)>();
        foreach (var ((user, arm), (n, r)) in scan.Rewards)
        {
            double cf = scan.CfPreference[user];
            var key = (CfPreferenceBuckets[cf <= 0.3 ? 0 : cf >= 0.7 ? 2 : 1].Key, ArmKey(arm));
            var (sum, rewarded) = rewards.GetValueOrDefault(key);
            rewards[key] = (sum + n, rewarded + r);
        }

        var rate = new SortedDictionary<string, SortedDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var ((b, arm), (n, r)) in rewards)
        {
            if (!rate.TryGetValue(b, out var arms))
            {
                rate[b] = arms = new(StringComparer.Ordinal);
            }

            arms[arm] = r / (double)n;
        }

        return new DatasetStats
        {
            Products = scan.ProductIndex.Count,
            Users = scan.UserIndex.Count,
            Sessions = scan.Sessions,
            Interactions = scan.Interactions,
            EventMix = scan.EventMix,
            Sparsity = 1 - scan.DistinctPairs / ((double)scan.UserIndex.Count * scan.ProductIndex.Count),
            InteractionsPerUser = Quantiles(scan.InteractionsPerUser),
            InteractionsPerProduct = Quantiles(scan.InteractionsPerProduct),
            Top20Share = scan.Interactions == 0 ? 0 : top / (double)scan.Interactions,
            RewardRate = rate,
            InteriorOptimalBlendShare = scan.OptimalBlends is (> 0 and var withTruth, var inside) ? inside / (double)withTruth : null,
        };
    }

    /// <summary>An arm as an identifier: cf, image, or blend_0_25 for the blend level 0.25.</summary>
    private static string ArmKey(RecSynth.Behaviour.Arm arm) =>
        arm.Blend is 0 or 1 ? arm.Name : "blend_" + arm.Name.Replace('.', '_');

    private static SortedDictionary<string, double> Quantiles(long[] counts)
    {
        var sorted = counts.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * (sorted.Length - 1)))];
        return new(StringComparer.Ordinal)
        {
            ["p10"] = At(0.1), ["p50"] = At(0.5), ["p90"] = At(0.9), ["p99"] = At(0.99), ["max"] = sorted.Length == 0 ? 0 : sorted[^1],
        };
    }
}

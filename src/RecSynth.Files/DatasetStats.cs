using System.Globalization;
using nietras.SeparatedValues;

namespace RecSynth.Files;

/// <summary>A dataset's vital signs (<c>recsynth stats</c>), read from its CSV files.</summary>
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

    /// <summary>Reward rate per cf_preference bucket (≤ 0.3, middle, ≥ 0.7) and arm.</summary>
    public SortedDictionary<string, SortedDictionary<string, double>> RewardRate { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Share of users (with a ground truth) whose optimal blend is strictly between 0 and 1; null without ground_truth.csv.</summary>
    public double? InteriorOptimalBlendShare { get; init; }

    /// <summary>Reads the dataset in <paramref name="directory"/>; needs products.csv and users.csv, and uses the behaviour files when present.</summary>
    /// <exception cref="DatasetUsageException">The folder is not a dataset.</exception>
    public static DatasetStats Compute(string directory, CancellationToken cancellationToken = default)
    {
        string Path(string name) => System.IO.Path.Combine(directory, name);
        foreach (string required in new[] { "products.csv", "users.csv" })
        {
            if (!File.Exists(Path(required)) && File.Exists(Path(System.IO.Path.ChangeExtension(required, ".parquet"))))
            {
                throw new DatasetUsageException($"{directory} holds its tables as Parquet only; stats reads the CSV tables: generate with --format csv,parquet (or read the Parquet files with DuckDB or pandas)");
            }

            if (!File.Exists(Path(required)))
            {
                throw new DatasetUsageException($"{directory} has no {required}: not a RecSynth dataset (generate one with `recsynth generate -o {directory}`)");
            }
        }

        var productIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var product in DatasetReader.ReadProducts(directory, cancellationToken))
        {
            productIndex[product.ItemId] = productIndex.Count;
        }

        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var bucket = new List<string>();
        foreach (var user in DatasetReader.ReadUsers(directory, cancellationToken))
        {
            userIndex[user.UserId] = userIndex.Count;
            double cf = user.CfPreference;
            bucket.Add(cf <= 0.3 ? "image-leaning (<= 0.3)" : cf >= 0.7 ? "cf-leaning (>= 0.7)" : "middle");
        }

        long interactions = 0;
        var mix = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perUser = new long[userIndex.Count];
        var perProduct = new long[productIndex.Count];
        var pairs = new HashSet<long>();
        if (File.Exists(Path(DatasetReader.InteractionsFile)))
        {
            var users = userIndex.GetAlternateLookup<ReadOnlySpan<char>>();
            var products = productIndex.GetAlternateLookup<ReadOnlySpan<char>>();
            using var reader = InteractionsReader.Open(directory);
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                interactions++;
                string type = reader.FeedbackType.ToString();
                mix[type] = mix.GetValueOrDefault(type) + 1;
                int user = users.TryGetValue(reader.UserId, out int u) ? u : throw reader.Problem("UserId", reader.UserId, "is not in users.csv");
                int product = products.TryGetValue(reader.ItemId, out int p) ? p : throw reader.Problem("ItemId", reader.ItemId, "is not in products.csv");
                perUser[user]++;
                perProduct[product]++;
                pairs.Add(((long)user << 32) | (uint)product);
            }
        }

        long sessions = 0;
        var rewards = new Dictionary<(string Bucket, string Arm), (long Sessions, long Rewards)>();
        if (File.Exists(Path("sessions.csv")))
        {
            using var reader = Sep.Reader().FromFile(Path("sessions.csv"));
            foreach (var row in reader)
            {
                sessions++;
                var key = (bucket[userIndex[row["UserId"].ToString()]], row["Arm"].ToString());
                var (n, r) = rewards.GetValueOrDefault(key);
                rewards[key] = (n + 1, r + (row["Reward"].Span is "1" ? 1 : 0));
            }
        }

        double? interior = null;
        if (File.Exists(Path("ground_truth.csv")))
        {
            long withTruth = 0, inside = 0;
            using var reader = Sep.Reader().FromFile(Path("ground_truth.csv"));
            foreach (var row in reader)
            {
                var blend = row["OptimalBlend"].Span;
                if (blend.IsEmpty)
                {
                    continue;
                }

                withTruth++;
                double w = double.Parse(blend, CultureInfo.InvariantCulture);
                inside += w is > 0 and < 1 ? 1 : 0;
            }

            interior = withTruth == 0 ? null : inside / (double)withTruth;
        }

        var sortedProducts = perProduct.OrderDescending().ToArray();
        long top = sortedProducts.Take(Math.Max(1, sortedProducts.Length / 5)).Sum();
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
            Products = productIndex.Count,
            Users = userIndex.Count,
            Sessions = sessions,
            Interactions = interactions,
            EventMix = mix,
            Sparsity = 1 - pairs.Count / ((double)userIndex.Count * productIndex.Count),
            InteractionsPerUser = Quantiles(perUser),
            InteractionsPerProduct = Quantiles(perProduct),
            Top20Share = interactions == 0 ? 0 : top / (double)interactions,
            RewardRate = rate,
            InteriorOptimalBlendShare = interior,
        };
    }

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

using System.Globalization;
using nietras.SeparatedValues;

namespace RecSynth.Files.Internals;

/// <summary>
/// One pass over a dataset's CSV tables, keeping the per-product and per-user columns that <c>recsynth stats</c> and
/// the report summarise, so both read the files the same way.
/// </summary>
internal sealed class DatasetScan
{
    /// <summary>The attributes kept per product (as codes into their distinct values), for similarity by attribute.</summary>
    public static readonly string[] KeptAttributes = ["category", "subcategory", "style", "color"];

    public required string Directory { get; init; }

    public required Dictionary<string, int> ProductIndex { get; init; }

    public required double[] Prices { get; init; } // [products]

    /// <summary>Per kept attribute, each product's value as an index into the attribute's distinct values.</summary>
    public required Dictionary<string, (int[] Codes, List<string> Values)> Attributes { get; init; } // codes: [products]

    public required Dictionary<string, int> UserIndex { get; init; }

    public required double[] CfPreference { get; init; } // [users]

    /// <summary>Whether interactions.csv exists.</summary>
    public bool HasInteractions { get; init; }

    public long Interactions { get; init; }

    public required SortedDictionary<string, long> EventMix { get; init; }

    public required long[] InteractionsPerUser { get; init; } // [users]

    public required long[] InteractionsPerProduct { get; init; } // [products]

    public long DistinctPairs { get; init; }

    public bool HasSessions { get; init; }

    public long Sessions { get; init; }

    /// <summary>Sessions and rewards per (user index, arm).</summary>
    public required Dictionary<(int User, string Arm), (long Sessions, long Rewards)> Rewards { get; init; }

    /// <summary>(users with a ground truth, of which with an optimal blend strictly inside (0, 1)); null without ground_truth.csv.</summary>
    public (long WithTruth, long Interior)? OptimalBlends { get; init; }

    /// <summary>Reads the tables in <paramref name="directory"/>; needs products.csv and users.csv, and uses the behaviour files when present.</summary>
    /// <exception cref="DatasetUsageException">The folder is not a dataset.</exception>
    public static DatasetScan Read(string directory, CancellationToken cancellationToken)
    {
        string Path(string name) => System.IO.Path.Combine(directory, name);
        foreach (string required in new[] { "products.csv", "users.csv" })
        {
            if (!File.Exists(Path(required)) && File.Exists(Path(System.IO.Path.ChangeExtension(required, ".parquet"))))
            {
                throw new DatasetUsageException($"{directory} holds its tables as Parquet only; this reads the CSV tables: generate with --format csv,parquet (or read the Parquet files with DuckDB or pandas)");
            }

            if (!File.Exists(Path(required)))
            {
                throw new DatasetUsageException($"{directory} has no {required}: not a RecSynth dataset (generate one with `recsynth generate -o {directory}`)");
            }
        }

        var productIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var prices = new List<double>();
        var attributes = KeptAttributes.ToDictionary(a => a, _ => (Codes: new List<int>(), Values: new List<string>(), Index: new Dictionary<string, int>(StringComparer.Ordinal)), StringComparer.Ordinal);
        using (var reader = Sep.Reader().FromFile(Path("products.csv")))
        {
            foreach (var row in reader)
            {
                productIndex[row["item_id"].ToString()] = productIndex.Count;
                prices.Add(double.Parse(row["price"].Span, CultureInfo.InvariantCulture));
                foreach (var (name, (codes, values, index)) in attributes)
                {
                    string value = row[name].ToString();
                    if (!index.TryGetValue(value, out int code))
                    {
                        index[value] = code = values.Count;
                        values.Add(value);
                    }

                    codes.Add(code);
                }
            }
        }

        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var cfPreference = new List<double>();
        using (var reader = Sep.Reader().FromFile(Path("users.csv")))
        {
            foreach (var row in reader)
            {
                userIndex[row["user_id"].ToString()] = userIndex.Count;
                cfPreference.Add(double.Parse(row["cf_preference"].Span, CultureInfo.InvariantCulture));
            }
        }

        long interactions = 0;
        var mix = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var perUser = new long[userIndex.Count];
        var perProduct = new long[productIndex.Count];
        var pairs = new HashSet<long>();
        bool hasInteractions = File.Exists(Path("interactions.csv"));
        if (hasInteractions)
        {
            using var reader = Sep.Reader().FromFile(Path("interactions.csv"));
            foreach (var row in reader)
            {
                cancellationToken.ThrowIfCancellationRequested();
                interactions++;
                string type = row["FeedbackType"].ToString();
                mix[type] = mix.GetValueOrDefault(type) + 1;
                int user = userIndex[row["UserId"].ToString()];
                int product = productIndex[row["ItemId"].ToString()];
                perUser[user]++;
                perProduct[product]++;
                pairs.Add(((long)user << 32) | (uint)product);
            }
        }

        long sessions = 0;
        var rewards = new Dictionary<(int, string), (long Sessions, long Rewards)>();
        bool hasSessions = File.Exists(Path("sessions.csv"));
        if (hasSessions)
        {
            using var reader = Sep.Reader().FromFile(Path("sessions.csv"));
            foreach (var row in reader)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sessions++;
                var key = (userIndex[row["UserId"].ToString()], row["Arm"].ToString());
                var (n, r) = rewards.GetValueOrDefault(key);
                rewards[key] = (n + 1, r + (row["Reward"].Span is "1" ? 1 : 0));
            }
        }

        (long, long)? optimalBlends = null;
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

            optimalBlends = (withTruth, inside);
        }

        return new DatasetScan
        {
            Directory = directory,
            ProductIndex = productIndex,
            Prices = [.. prices],
            Attributes = attributes.ToDictionary(a => a.Key, a => (a.Value.Codes.ToArray(), a.Value.Values), StringComparer.Ordinal),
            UserIndex = userIndex,
            CfPreference = [.. cfPreference],
            HasInteractions = hasInteractions,
            Interactions = interactions,
            EventMix = mix,
            InteractionsPerUser = perUser,
            InteractionsPerProduct = perProduct,
            DistinctPairs = pairs.Count,
            HasSessions = hasSessions,
            Sessions = sessions,
            Rewards = rewards,
            OptimalBlends = optimalBlends,
        };
    }
}

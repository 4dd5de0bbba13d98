using RecSynth.Behaviour;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// One pass over a dataset's tables, keeping the per-product and per-user columns that <c>recsynth stats</c> and
/// the report summarise, so both read the files the same way.
/// </summary>
public sealed class DatasetScan
{
    /// <summary>The attributes kept per product (as codes into their distinct values), for similarity by attribute.</summary>
    public static readonly string[] KeptAttributes = ["category", "subcategory", "style", "color"];

    /// <summary>The dataset folder.</summary>
    public required string Directory { get; init; }

    /// <summary>Product index by item id.</summary>
    public required Dictionary<string, int> ProductIndex { get; init; }

    /// <summary>Prices by product index.</summary>
    public required double[] Prices { get; init; } // [products]

    /// <summary>Per kept attribute, each product's value as an index into the attribute's distinct values.</summary>
    public required Dictionary<string, (int[] Codes, List<string> Values)> Attributes { get; init; } // codes: [products]

    /// <summary>User index by user id.</summary>
    public required Dictionary<string, int> UserIndex { get; init; }

    /// <summary>cf_preference by user index.</summary>
    public required double[] CfPreference { get; init; } // [users]

    /// <summary>Whether interactions.csv exists.</summary>
    public bool HasInteractions { get; init; }

    /// <summary>Rows of interactions.csv.</summary>
    public long Interactions { get; init; }

    /// <summary>Interactions by feedback type.</summary>
    public required SortedDictionary<string, long> EventMix { get; init; }

    /// <summary>Interactions by user index.</summary>
    public required long[] InteractionsPerUser { get; init; } // [users]

    /// <summary>Interactions by product index.</summary>
    public required long[] InteractionsPerProduct { get; init; } // [products]

    /// <summary>Distinct (user, product) pairs with an interaction.</summary>
    public long DistinctPairs { get; init; }

    /// <summary>Whether sessions.csv exists.</summary>
    public bool HasSessions { get; init; }

    /// <summary>Rows of sessions.csv.</summary>
    public long Sessions { get; init; }

    /// <summary>Sessions and rewards per (user index, arm).</summary>
    public required Dictionary<(int User, Arm Arm), (long Sessions, long Rewards)> Rewards { get; init; }

    /// <summary>(users with a ground truth, of which with an optimal blend strictly inside (0, 1)); null without ground_truth.csv.</summary>
    public (long WithTruth, long Interior)? OptimalBlends { get; init; }

    /// <summary>
    /// Reads the tables in <paramref name="directory"/>, each from its CSV file or its Parquet form, every row checked;
    /// needs products and users, and uses the behaviour tables when present.
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder is not a dataset, or a table is malformed (named by file, line and column).</exception>
    public static DatasetScan Read(string directory, CancellationToken cancellationToken)
    {
        foreach (string required in new[] { DatasetReader.ProductsFile, DatasetReader.UsersFile })
        {
            if (!DatasetTable.Exists(directory, required))
            {
                throw new DatasetUsageException($"{directory} has no {required}: not a RecSynth dataset (generate one with `recsynth generate -o {directory}`)");
            }
        }

        var productIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var prices = new List<double>();
        var attributes = KeptAttributes.ToDictionary(a => a, _ => (Codes: new List<int>(), Values: new List<string>(), Index: new Dictionary<string, int>(StringComparer.Ordinal)), StringComparer.Ordinal);
        foreach (var product in DatasetReader.Products(directory, cancellationToken))
        {
            productIndex[product.ItemId] = productIndex.Count;
            prices.Add(product.Price);
            foreach (var (name, (codes, values, index)) in attributes)
            {
                string value = name switch { "category" => product.Category, "subcategory" => product.Subcategory, "style" => product.Style, _ => product.Color };
                if (!index.TryGetValue(value, out int code))
                {
                    index[value] = code = values.Count;
                    values.Add(value);
                }

                codes.Add(code);
            }
        }

        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var cfPreference = new List<double>();
        foreach (var user in DatasetReader.Users(directory, cancellationToken))
        {
            userIndex[user.UserId] = userIndex.Count;
            cfPreference.Add(user.CfPreference);
        }

        var users = userIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var products = productIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        long interactions = 0;
        var types = new List<string>();
        var typeCounts = new List<long>();
        var perUser = new long[userIndex.Count];
        var perProduct = new long[productIndex.Count];
        var pairs = new HashSet<long>();
        bool hasInteractions = DatasetTable.Exists(directory, DatasetReader.InteractionsFile);
        if (hasInteractions)
        {
            using var reader = InteractionsReader.Open(directory);
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                interactions++;
                int type = 0;
                while (type < types.Count && !reader.FeedbackType.SequenceEqual(types[type]))
                {
                    type++;
                }

                if (type == types.Count)
                {
                    type = types.Count;
                    types.Add(reader.FeedbackType.ToString());
                    typeCounts.Add(0);
                }

                typeCounts[type]++;
                int user = users.TryGetValue(reader.UserId, out int u) ? u : throw reader.Problem("UserId", reader.UserId, $"is not in {DatasetReader.UsersFile}");
                int product = products.TryGetValue(reader.ItemId, out int p) ? p : throw reader.Problem("ItemId", reader.ItemId, $"is not in {DatasetReader.ProductsFile}");
                perUser[user]++;
                perProduct[product]++;
                pairs.Add(((long)user << 32) | (uint)product);
            }
        }

        long sessions = 0;
        var rewards = new Dictionary<(int, Arm), (long Sessions, long Rewards)>();
        bool hasSessions = DatasetTable.Exists(directory, SessionsReader.File);
        if (hasSessions)
        {
            using var reader = SessionsReader.Open(directory);
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                sessions++;
                var key = (users.TryGetValue(reader.UserId, out int u) ? u : throw reader.Problem("UserId", reader.UserId, $"is not in {DatasetReader.UsersFile}"), reader.Arm);
                var (n, r) = rewards.GetValueOrDefault(key);
                rewards[key] = (n + 1, r + reader.Reward);
            }
        }

        (long, long)? optimalBlends = null;
        if (DatasetTable.Exists(directory, BehaviourStage.GroundTruthFile))
        {
            long withTruth = 0, inside = 0;
            using var table = DatasetTable.Open(directory, BehaviourStage.GroundTruthFile, ["OptimalBlend"]);
            while (table.MoveNext())
            {
                if (table.OptionalNumber(0, "OptimalBlend") is not double blend)
                {
                    continue;
                }

                if (blend is < 0 or > 1)
                {
                    throw table.Problem("OptimalBlend", table.Span(0), "is not a blend level in [0, 1]");
                }

                withTruth++;
                inside += blend is > 0 and < 1 ? 1 : 0;
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
            EventMix = new(types.Select((t, i) => KeyValuePair.Create(t, typeCounts[i])).ToDictionary(), StringComparer.Ordinal),
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

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecSynth.Files;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// A generated dataset read and checked as Gorse will receive it: users and items with their labels, and the
/// interactions aggregated per (type, user, item): Gorse keeps one feedback per key (the first within a request, the
/// last across PUTs), so the value is the number of events, the timestamp the first, and the comment names the
/// recommendation types (RecType) the events came from, e.g. <c>cf</c> or <c>cf,image</c>, followed by the later
/// events' times when there are any: <c>cf;+3600,+86400</c> (docs/gorse.md).
/// </summary>
public sealed partial class GorseDataset : IDisposable
{
    private readonly IReadOnlyList<UserRow> _users;
    private readonly IReadOnlyList<ProductRow> _products;
    private readonly EmbeddingsReader? _embeddings;
    private readonly List<FeedbackEntry> _feedback;
    private readonly List<LaterEvent> _later;
    private readonly string[] _types;
    private readonly string[] _comments;

    private GorseDataset(
        string directory, GorseDatasetOptions options, IReadOnlyList<UserRow> users, IReadOnlyList<ProductRow> products,
        EmbeddingsReader? embeddings, List<FeedbackEntry> feedback, List<LaterEvent> later, string[] types, string[] comments, long interactions)
    {
        Directory = directory;
        Options = options;
        _users = users;
        _products = products;
        _embeddings = embeddings;
        _feedback = feedback;
        _later = later;
        _types = types;
        _comments = comments;
        Interactions = interactions;
    }

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    /// <summary>What goes into the labels (and the files read: <see cref="RequiredFiles"/>).</summary>
    public GorseDatasetOptions Options { get; }

    /// <summary>Users (rows of users.csv).</summary>
    public int UserCount => _users.Count;

    /// <summary>Items (rows of products.csv).</summary>
    public int ItemCount => _products.Count;

    /// <summary>Aggregated feedback rows: distinct (type, user, item) keys of interactions.csv.</summary>
    public int FeedbackCount => _feedback.Count;

    /// <summary>Rows of interactions.csv.</summary>
    public long Interactions { get; }

    /// <summary>The feedback types that occur, in order of first occurrence.</summary>
    public IReadOnlyList<string> FeedbackTypes => _types;

    /// <summary>
    /// Reads and checks everything before anything is sent: every file present (a table's CSV file, or its Parquet
    /// form where the folder has only that), every row well formed, every interaction naming a known user and product,
    /// as many embedding rows as products (with embeddings).
    /// </summary>
    /// <exception cref="DatasetUsageException">The folder is not a complete, well-formed dataset (named by file and line).</exception>
    public static GorseDataset Load(string directory, GorseDatasetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DatasetUsageException($"{directory} does not exist; give a dataset folder written by `recsynth generate`");
        }

        var files = new List<string>();
        foreach (string file in CsvFiles(options))
        {
            var found = DatasetReader.TableFiles(directory, file); // embeddings.npy too: a file that exists is its own table
            files.AddRange(found.Count > 0 ? found
                : throw new DatasetUsageException($"{Path.Combine(directory, file)} does not exist: not a complete RecSynth dataset (generate one with `recsynth generate`)"));
        }

        options = options with { Files = files };
        var products = DatasetReader.ReadProducts(directory, cancellationToken);
        var users = DatasetReader.ReadUsers(directory, cancellationToken);
        EmbeddingsReader? embeddings = null;
        try
        {
            if (options.WithEmbeddings)
            {
                embeddings = EmbeddingsReader.Open(directory);
                if (embeddings.Rows != products.Count)
                {
                    throw new DatasetUsageException(
                        $"{DatasetReader.EmbeddingsFile} has {embeddings.Rows:N0} rows but {DatasetReader.ProductsFile} has {products.Count:N0} products: row i must be product i");
                }
            }

            var (feedback, later, types, comments, interactions) = Aggregate(directory, users, products, cancellationToken);
            return new GorseDataset(directory, options, users, products, embeddings, feedback, later, types, comments, interactions);
        }
        catch
        {
            embeddings?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The files a push reads: products.csv, users.csv, interactions.csv, and embeddings.npy with embeddings; for the
    /// <see cref="Options"/> of a loaded dataset, the files it was read from (a table's Parquet form where the folder
    /// has no CSV file).
    /// </summary>
    public static IReadOnlyList<string> RequiredFiles(GorseDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Files ?? CsvFiles(options);
    }

    private static string[] CsvFiles(GorseDatasetOptions options) => options.WithEmbeddings
        ? [DatasetReader.ProductsFile, DatasetReader.UsersFile, DatasetReader.InteractionsFile, DatasetReader.EmbeddingsFile]
        : [DatasetReader.ProductsFile, DatasetReader.UsersFile, DatasetReader.InteractionsFile];

    /// <summary>User <paramref name="index"/> as Gorse stores it: observable attributes as labels (hidden ones only with ground truth).</summary>
    public GorseUser User(int index)
    {
        var u = _users[index];
        var labels = new JsonObject
        {
            ["age_group"] = u.AgeGroup,
            ["primary_style"] = u.PrimaryStyle,
            ["price_sensitivity"] = u.PriceSensitivity,
            ["sustainability_focus"] = u.SustainabilityFocus,
            ["style_preferences"] = JsonNode.Parse(u.StylePreferences),
            ["signed_up_at"] = Internals.Rfc3339Converter.Format(u.SignedUpAt),
        };
        if (Options.WithGroundTruth)
        {
            labels["cf_preference"] = u.CfPreference;
            labels["preference_consistency"] = u.PreferenceConsistency;
            labels["activity"] = u.Activity;
            if (u.DriftAt is { } drift)
            {
                labels["drift_at"] = Internals.Rfc3339Converter.Format(drift);
            }

            if (u.CfPreferenceAfter is double after)
            {
                labels["cf_preference_after"] = after;
            }
        }

        return new GorseUser { UserId = u.UserId, Labels = labels };
    }

    /// <summary>Item <paramref name="index"/>: categories (category, subcategory), attributes and price as labels, the embedding when asked, listed_at as timestamp, the title as comment.</summary>
    public GorseItem Item(int index)
    {
        var p = _products[index];
        var labels = new JsonObject
        {
            ["style"] = p.Style,
            ["color"] = p.Color,
            ["pattern"] = p.Pattern,
            ["material"] = p.Material,
            ["brand"] = p.Brand,
            ["condition"] = p.Condition,
            ["size"] = p.Size,
            ["price"] = p.Price,
        };
        if (Options.WithGroundTruth)
        {
            labels["popularity"] = p.Popularity;
        }

        if (_embeddings is not null)
        {
            var vector = new float[_embeddings.Dimensions]; // [dimensions]
            _embeddings.ReadRow(index, vector);
            var array = new JsonArray();
            foreach (float x in vector)
            {
                array.Add(JsonValue.Create(x)); // not Add<T>: that one needs reflection (Native AOT)
            }

            labels["embedding"] = array;
        }

        return new GorseItem
        {
            ItemId = p.ItemId,
            Categories = [p.Category, p.Subcategory],
            Timestamp = p.ListedAt,
            Labels = labels,
            Comment = p.Title,
        };
    }

    /// <summary>
    /// Aggregated feedback row <paramref name="index"/> (in order of first occurrence in interactions.csv): its comment
    /// carries the later events' seconds after the first, so that the row stands for every event of its key.
    /// </summary>
    public GorseFeedback Feedback(int index)
    {
        var f = _feedback[index];
        return new GorseFeedback
        {
            FeedbackType = _types[f.Type],
            UserId = _users[f.User].UserId,
            ItemId = _products[f.Item].ItemId,
            Value = f.Count,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(f.FirstSeconds),
            Comment = f.Later < 0 ? _comments[f.RecTypes] : CommentWithTimes(f),
        };
    }

    /// <summary>The comment of a key of several events: its recommendation types and the times of all its events.</summary>
    private string CommentWithTimes(FeedbackEntry entry)
    {
        int events = (int)entry.Count;
        Span<long> times = events <= 256 ? stackalloc long[256] : new long[events];
        times = times[..events];
        times[0] = entry.FirstSeconds;
        int n = 1;
        for (int node = entry.Later; node >= 0; node = _later[node].Next)
        {
            times[n++] = _later[node].Seconds;
        }

        return EventTimes.Comment(_comments[entry.RecTypes], times);
    }

    /// <summary>
    /// The aggregated feedback rows in the order of their key (type, user id, item id), compared as byte strings: the
    /// order of Gorse's primary key in every database (collation "C", utf8mb4_bin, BINARY). A load that writes rows in
    /// this order has the key's index built from sorted input.
    /// </summary>
    internal int[] FeedbackInKeyOrder()
    {
        int[] typeRank = Ranks(_types.Length, i => _types[i]);
        int[] userRank = Ranks(_users.Count, i => _users[i].UserId);
        int[] itemRank = Ranks(_products.Count, i => _products[i].ItemId);
        int typeBits = Bits(_types.Length), userBits = Bits(_users.Count), itemBits = Bits(_products.Count);
        int[] order = new int[_feedback.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (typeBits + userBits + itemBits <= 63)
        {
            var keys = new long[_feedback.Count];
            for (int i = 0; i < keys.Length; i++)
            {
                var f = _feedback[i];
                keys[i] = ((long)typeRank[f.Type] << (userBits + itemBits)) | ((long)userRank[f.User] << itemBits) | (long)itemRank[f.Item];
            }

            Array.Sort(keys, order);
        }
        else
        {
            Array.Sort(order, (a, b) =>
            {
                var x = _feedback[a];
                var y = _feedback[b];
                int c = typeRank[x.Type].CompareTo(typeRank[y.Type]);
                c = c != 0 ? c : userRank[x.User].CompareTo(userRank[y.User]);
                return c != 0 ? c : itemRank[x.Item].CompareTo(itemRank[y.Item]);
            });
        }

        return order;

        static int Bits(int count) => count <= 1 ? 0 : 32 - int.LeadingZeroCount(count - 1);

        static int[] Ranks(int count, Func<int, string> id)
        {
            int[] sorted = new int[count];
            for (int i = 0; i < count; i++)
            {
                sorted[i] = i;
            }

            // Ordinal order of UTF-16 code units is UTF-8 byte order below the surrogates; ids are ASCII in practice.
            Array.Sort(sorted, (a, b) => Utf8Compare(id(a), id(b)));
            int[] rank = new int[count];
            for (int r = 0; r < count; r++)
            {
                rank[sorted[r]] = r;
            }

            return rank;
        }
    }

    /// <summary>Byte order of the strings' UTF-8 forms.</summary>
    internal static int Utf8Compare(string x, string y) =>
        x.AsSpan().IndexOfAnyInRange('\uD800', '\uFFFF') < 0 && y.AsSpan().IndexOfAnyInRange('\uD800', '\uFFFF') < 0
            ? string.CompareOrdinal(x, y)
            : System.Text.Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y));

    /// <inheritdoc/>
    public void Dispose() => _embeddings?.Dispose();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_]*$")]
    private static partial Regex GorseTypeName();

    private static (List<FeedbackEntry>, List<LaterEvent>, string[], string[], long) Aggregate(
        string directory, IReadOnlyList<UserRow> users, IReadOnlyList<ProductRow> products, CancellationToken cancellationToken)
    {
        var userIndex = new Dictionary<string, int>(users.Count, StringComparer.Ordinal);
        for (int i = 0; i < users.Count; i++)
        {
            userIndex[users[i].UserId] = i;
        }

        var itemIndex = new Dictionary<string, int>(products.Count, StringComparer.Ordinal);
        for (int i = 0; i < products.Count; i++)
        {
            itemIndex[products[i].ItemId] = i;
        }

        var userLookup = userIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var itemLookup = itemIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var types = new List<string>();
        var recTypes = new List<string>();
        var keys = new Dictionary<(int Type, int User, int Item), int>();
        var feedback = new List<FeedbackEntry>();
        var later = new List<LaterEvent>(); // every event of a key but its first, chained from the key's entry
        long interactions = 0;
        using var reader = InteractionsReader.Open(directory);
        while (reader.Read())
        {
            if ((++interactions & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int user = userLookup.TryGetValue(reader.UserId, out int u) ? u : throw reader.Problem("UserId", reader.UserId, $"is not in {DatasetReader.UsersFile}");
            int item = itemLookup.TryGetValue(reader.ItemId, out int it) ? it : throw reader.Problem("ItemId", reader.ItemId, $"is not in {DatasetReader.ProductsFile}");
            int type = IndexOf(types, reader.FeedbackType);
            if (type < 0)
            {
                if (!GorseTypeName().IsMatch(reader.FeedbackType))
                {
                    throw reader.Problem("FeedbackType", reader.FeedbackType, "is not a Gorse feedback type (a letter, then letters, digits or _)");
                }

                type = types.Count;
                types.Add(reader.FeedbackType.ToString());
            }

            int rec = IndexOf(recTypes, reader.RecType);
            if (rec < 0)
            {
                if (recTypes.Count == 8)
                {
                    throw reader.Problem("RecType", reader.RecType, "is a ninth recommendation type (at most 8 are supported)");
                }

                rec = recTypes.Count;
                recTypes.Add(reader.RecType.ToString());
            }

            long seconds = reader.Timestamp.ToUnixTimeSeconds();
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(keys, (type, user, item), out bool exists);
            if (!exists)
            {
                slot = feedback.Count;
                feedback.Add(new FeedbackEntry(type, user, item, 1, seconds, (byte)(1 << rec), -1));
            }
            else
            {
                // The entry keeps the earliest time; the others go on its chain (a shard's events may come before an
                // earlier shard's).
                var entry = feedback[slot];
                later.Add(new LaterEvent(Math.Max(entry.FirstSeconds, seconds), entry.Later));
                feedback[slot] = entry with
                {
                    Count = entry.Count + 1, FirstSeconds = Math.Min(entry.FirstSeconds, seconds), RecTypes = (byte)(entry.RecTypes | (1 << rec)), Later = later.Count - 1,
                };
            }
        }

        // Comment per combination of recommendation types: "cf", "image", "cf,image".
        var comments = new string[256];
        for (int mask = 1; mask < 256; mask++)
        {
            comments[mask] = string.Join(',', Enumerable.Range(0, recTypes.Count).Where(i => (mask & (1 << i)) != 0).Select(i => recTypes[i]));
        }

        comments[0] = "";
        return (feedback, later, [.. types], comments, interactions);
    }

    private static int IndexOf(List<string> names, ReadOnlySpan<char> name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A key's events: how many, the first one's time, the recommendation types (bits), the latest of the rest (-1: none).</summary>
    private readonly record struct FeedbackEntry(int Type, int User, int Item, long Count, long FirstSeconds, byte RecTypes, int Later);

    /// <summary>A later event of a key: its time and the one before it on the chain (-1: none).</summary>
    private readonly record struct LaterEvent(long Seconds, int Next);

    /// <summary>"200 users, 300 items, 1,234 feedback rows from 1,531 interactions".</summary>
    public string Describe() =>
        string.Format(CultureInfo.InvariantCulture, "{0:N0} users, {1:N0} items, {2:N0} feedback rows from {3:N0} interactions", UserCount, ItemCount, FeedbackCount, Interactions);
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Gorse.Internals;

namespace RecSynth.Gorse;

/// <summary>
/// The <c>gorse</c> recommender of the closed loop: a Gorse server fills both sources. The CF slate is
/// <c>GET /api/recommend/{user}</c>; the image slate is the item-to-item recommender <c>image_sim</c> (an embedding
/// recommender on <c>item.Labels.embedding</c>, as <c>recsynth gorse-config</c> writes it) for each of the user's recent
/// likes. Before the first day the users and the products (categories, listing time, embedding) are inserted; after each
/// simulated day its feedback is written with PUT, aggregated per (type, user, product) over the run so far (Value = the
/// number of events, Timestamp = the first, Comment = the recommendation type and the later events' times as push
/// writes them: docs/gorse.md), so a retried batch changes nothing.
/// A real Gorse then needs its next training cycle before the new feedback shows in recommendations: see
/// <see cref="Refresh"/> and docs/gorse.md.
/// </summary>
public sealed class GorseSlateService : ISlateService
{
    private const int Batch = 1_000;
    private readonly GorseClient _client;
    private readonly string _imageRecommender;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<(byte Type, int User, int Item), (List<long> Times, byte Source)> _feedback = [];
    private SlateCatalog? _catalog;
    private Dictionary<string, int> _itemIndex = [];

    /// <summary>Creates the service over a client; <paramref name="imageRecommender"/> names the item-to-item recommender.</summary>
    public GorseSlateService(GorseClient client, string imageRecommender = GorseConfig.ImageRecommender, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _imageRecommender = imageRecommender;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Called after each day's feedback is written, before the next day: by default nothing (a server that answers from
    /// its current data, like the test server). Against a real Gorse, set it to trigger and await a training cycle.
    /// </summary>
    public Func<CancellationToken, Task>? Refresh { get; init; }

    /// <summary>
    /// The server's <c>recommend.cache_size</c> (default 100, Gorse's and the generated config.toml's): a recommend list
    /// holds at most this many CF items and Gorse fills the rest from its fallback (the latest items), so no request asks
    /// for more: a CF position then always holds a CF item (docs/gorse.md).
    /// </summary>
    public int CacheSize { get; init; } = 100;

    /// <inheritdoc />
    public void Begin(SlateCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _itemIndex = catalog.ItemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);

        // The loop calls the server from its worker threads and waits: enough pool threads that the replies can land.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);

        // Only what the server lacks is inserted: Gorse's insert overwrites (every label of a user, every column of an
        // item), so sending a bare record over one loaded by push would wipe its labels (docs/gorse.md).
        var knownUsers = Wait(Ids(_client.ReadAllUsersAsync(Batch, _cancellationToken), u => u.UserId));
        var users = catalog.UserIds.Where(id => !knownUsers.Contains(id)).Select(id => new GorseUser { UserId = id }).ToList();
        foreach (var chunk in users.Chunk(Batch))
        {
            Wait(_client.InsertUsersAsync(chunk, _cancellationToken));
        }

        var knownItems = Wait(Ids(_client.ReadAllItemsAsync(Batch, _cancellationToken), i => i.ItemId));
        int d = catalog.Dimensions;
        var items = new List<GorseItem>();
        for (int i = 0; i < catalog.ItemIds.Count; i++)
        {
            if (knownItems.Contains(catalog.ItemIds[i]))
            {
                continue;
            }

            var embedding = new JsonArray();
            foreach (float x in catalog.Embeddings.Span.Slice(i * d, d))
            {
                embedding.Add(JsonValue.Create(x));
            }

            items.Add(new GorseItem
            {
                ItemId = catalog.ItemIds[i],
                Categories = [catalog.Categories[i].Category, catalog.Categories[i].Subcategory],
                Timestamp = DateTimeOffset.FromUnixTimeSeconds(catalog.ListedAt[i]),
                Labels = new JsonObject { ["embedding"] = embedding },
            });
            if (items.Count == Batch)
            {
                Wait(_client.InsertItemsAsync(items, _cancellationToken));
                items.Clear();
            }
        }

        if (items.Count > 0)
        {
            Wait(_client.InsertItemsAsync(items, _cancellationToken));
        }
    }

    /// <summary>The ids of every record the server holds.</summary>
    private static async Task<HashSet<string>> Ids<T>(IAsyncEnumerable<T> records, Func<T, string> id)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var record in records.ConfigureAwait(false))
        {
            ids.Add(id(record));
        }

        return ids;
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Recommend(int user, int count) =>
        Indexes(Wait(_client.RecommendAsync(Catalog.UserIds[user], Math.Min(count, CacheSize), cancellationToken: _cancellationToken)));

    /// <inheritdoc />
    public IReadOnlyList<int> Similar(int item, int count) =>
        Indexes(Wait(_client.ItemToItemAsync(_imageRecommender, Catalog.ItemIds[item], count, cancellationToken: _cancellationToken)));

    /// <inheritdoc />
    public void EndOfDay(ReadOnlySpan<InteractionRecord> feedback)
    {
        var changed = new HashSet<(byte, int, int)>();
        foreach (ref readonly var r in feedback)
        {
            var key = ((byte)r.Type, r.User, r.Item);
            if (!_feedback.TryGetValue(key, out var entry))
            {
                entry = ([], (byte)r.Source);
                _feedback[key] = entry;
            }

            entry.Times.Add(r.Timestamp);
            changed.Add(key);
        }

        var rows = changed.Order().Select(key =>
        {
            var (times, source) = _feedback[key];
            string comment = EventTimes.Comment(source == 0 ? "cf" : "image", CollectionsMarshal.AsSpan(times)); // sorts the times
            return new GorseFeedback
            {
                FeedbackType = key.Item1 switch { 0 => "view", 1 => "like", _ => "purchase" },
                UserId = Catalog.UserIds[key.Item2],
                ItemId = Catalog.ItemIds[key.Item3],
                Value = times.Count,
                Timestamp = DateTimeOffset.FromUnixTimeSeconds(times[0]),
                Comment = comment,
            };
        }).ToList();
        foreach (var chunk in rows.Chunk(Batch))
        {
            Wait(_client.PutFeedbackAsync(chunk, _cancellationToken));
        }

        if (Refresh is { } refresh)
        {
            refresh(_cancellationToken).GetAwaiter().GetResult();
        }
    }

    private SlateCatalog Catalog => _catalog ?? throw new InvalidOperationException("Begin was not called");

    private List<int> Indexes(IReadOnlyList<GorseScore> scores)
    {
        var indexes = new List<int>(scores.Count);
        foreach (var s in scores)
        {
            if (_itemIndex.TryGetValue(s.Id, out int i))
            {
                indexes.Add(i);
            }
        }

        return indexes;
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Gorse slates via {_client.Endpoint}");
}

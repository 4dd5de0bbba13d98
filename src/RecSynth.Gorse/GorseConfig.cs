using System.Text;

namespace RecSynth.Gorse;

/// <summary>A commented Gorse <c>config.toml</c> matching a dataset (Gorse's configuration as of v0.5.11 and master).</summary>
public static class GorseConfig
{
    /// <summary>The item-to-item recommender on the image embeddings.</summary>
    public const string ImageRecommender = "image_sim";

    /// <summary>Feedback types Gorse should treat as "read" (seen, not a positive signal); the others are positive.</summary>
    public static IReadOnlyList<string> ReadTypes { get; } = ["view"];

    /// <summary>
    /// The config for a dataset whose interactions hold <paramref name="feedbackTypes"/>: view is a read type, every
    /// other type (like, purchase) positive; collaborative filtering serves <c>/api/recommend</c>; an embedding
    /// item-to-item recommender named <c>image_sim</c> reads <c>item.Labels.embedding</c>.
    /// </summary>
    public static string Create(IReadOnlyCollection<string> feedbackTypes)
    {
        ArgumentNullException.ThrowIfNull(feedbackTypes);
        var read = feedbackTypes.Where(t => ReadTypes.Contains(t, StringComparer.Ordinal)).ToArray();
        var positive = feedbackTypes.Where(t => !ReadTypes.Contains(t, StringComparer.Ordinal)).ToArray();
        string List(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]";
        var toml = new StringBuilder();
        toml.Append($$"""
            # Gorse configuration for a RecSynth dataset (written by `recsynth gorse-config`).
            # Start Gorse with it, e.g. `gorse-in-one -c config.toml`, then load the data with
            # `recsynth push DIR --url http://127.0.0.1:8088 --with-embeddings`.

            [database]
            # Where Gorse keeps users, items and feedback, and its cache. Replace with your own stores.
            data_store = "sqlite:///var/lib/gorse/data.db"
            cache_store = "sqlite:///var/lib/gorse/cache.db"

            [master]
            # Dashboard and admin API port (also serves the REST API in gorse-in-one).
            http_port = 8088
            n_jobs = 1

            [server]
            # The REST API key, checked against the X-API-Key header. Give it to push via GORSE_API_KEY;
            # set it here or in the environment variable GORSE_SERVER_API_KEY.
            api_key = ""
            # Feedback later than now + clock_error is hidden from reads and from training.
            clock_error = "5s"
            # Feedback naming an unknown user or item is silently dropped when these are false: push writes users and
            # items first, so they can stay off.
            auto_insert_user = false
            auto_insert_item = false

            [recommend]
            # Length of each cached recommendation list: the CF part of /api/recommend holds at most this many items, the
            # fallback (latest) fills the rest. simulate --recommender gorse asks for no more (--gorse-cache-size, default 100).
            cache_size = 100

            [recommend.data_source]
            # The dataset's feedback types: {{string.Join(", ", feedbackTypes)}}.
            # Positive types are what a user liked; read types are items a user saw (excluded from recommendations,
            # not a positive signal). Push aggregates repeated events per (type, user, item): Value is the number of
            # events, so a threshold such as "view>=3" is also possible.
            positive_feedback_types = {{List(positive)}}
            read_feedback_types = {{List(read)}}
            # Days after which feedback is ignored (0 = never); the dataset's times lie in the past.
            positive_feedback_ttl = 0
            item_ttl = 0

            [[recommend.item-to-item]]
            # Image similarity: nearest items by the embedding pushed with --with-embeddings (unit vectors, so the
            # Euclidean distance Gorse uses orders items like the cosine). Queried as /api/item-to-item/{{ImageRecommender}}/{item-id}.
            name = "{{ImageRecommender}}"
            type = "embedding"
            column = "item.Labels.embedding"

            [recommend.collaborative]
            # Collaborative filtering (matrix factorisation), retrained every fit_period.
            type = "mf"
            fit_period = "60m"
            fit_epoch = 100

            [recommend.ranker]
            # /api/recommend serves collaborative filtering alone (a ranker of type "none" takes one recommender),
            # so it is the CF source; the image source is the item-to-item recommender above.
            type = "none"
            recommenders = ["collaborative"]

            [recommend.fallback]
            # When CF has too few results (a cold user), fill the list with the newest items.
            recommenders = ["latest"]

            """);
        return toml.ToString();
    }
}

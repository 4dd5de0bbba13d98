using RecSynth.Behaviour;

namespace RecSynth.Bandits;

/// <summary>
/// A recommender outside the simulator that fills the slates of the closed loop (e.g. a Gorse server): CF
/// recommendations per user and similar products per product, by index into the world's products and users. Called
/// from several threads at once during a simulated day; between days, <see cref="EndOfDay"/> receives the day's
/// feedback so that the service can learn from it before the next day.
/// </summary>
public interface ISlateService
{
    /// <summary>Before the first day: what the service must know of the catalogue and the users (e.g. to insert them).</summary>
    void Begin(SlateCatalog catalog);

    /// <summary>Up to <paramref name="count"/> products recommended to <paramref name="user"/>, best first.</summary>
    IReadOnlyList<int> Recommend(int user, int count);

    /// <summary>Up to <paramref name="count"/> products similar to <paramref name="item"/>, most similar first.</summary>
    IReadOnlyList<int> Similar(int item, int count);

    /// <summary>The day's interactions, in file order; runs alone between simulated days.</summary>
    void EndOfDay(ReadOnlySpan<InteractionRecord> feedback);
}

/// <summary>The catalogue and users as an outside recommender sees them.</summary>
/// <param name="ItemIds">Product ids by index (<c>item_{index}</c>).</param>
/// <param name="Categories">Per product: its category and subcategory.</param>
/// <param name="ListedAt">Per product: when it was listed (Unix seconds).</param>
/// <param name="Embeddings">The products' unit embeddings, flat [products, <paramref name="Dimensions"/>].</param>
/// <param name="Dimensions">Embedding dimensions.</param>
/// <param name="UserIds">User ids by index.</param>
public sealed record SlateCatalog(
    IReadOnlyList<string> ItemIds, IReadOnlyList<(string Category, string Subcategory)> Categories, IReadOnlyList<long> ListedAt,
    ReadOnlyMemory<float> Embeddings, int Dimensions, IReadOnlyList<string> UserIds);

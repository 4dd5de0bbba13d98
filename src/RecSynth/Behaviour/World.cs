using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// Everything the simulation reads about products and users, held in flat arrays: the entities, their hidden
/// factors, the embeddings, standardised popularity, and the attribute similarity the satiation uses.
/// </summary>
internal sealed class World
{
    public World(RecSynthOptions options, int threads, CancellationToken cancellationToken)
    {
        Options = options;
        var catalog = new CatalogModel(options);
        var users = new UserModel(options);
        Vocabulary = catalog.Vocabulary;
        AgeGroups = users.AgeGroups;
        Communities = catalog.Communities;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        Items = Entities.Create(catalog.Count, catalog.CreateItem, parallel);
        UserList = Entities.Create(users.Count, users.CreateUser, parallel);
        F = Communities.Dimensions;
        D = options.Embedding.Dimensions;
        ItemFactors = new float[Items.Length * F];
        UserFactors = new float[UserList.Length * F];
        Embeddings = new float[Items.Length * D];
        var embeddings = new EmbeddingModel(options);
        Parallel.For(0, Items.Length, parallel, i =>
        {
            Communities.ItemFactors(Items[i], ItemFactors.AsSpan(i * F, F));
            embeddings.Compose(Items[i], Embeddings.AsSpan(i * D, D));
        });
        Parallel.For(0, UserList.Length, parallel, u => users.UserFactors(UserList[u], UserFactors.AsSpan(u * F, F)));

        // Standardised log-popularity: the CF score's popularity term and part of interest.
        double mean = 0, squares = 0;
        foreach (var item in Items)
        {
            mean += Math.Log(item.Popularity);
        }

        mean /= Items.Length;
        foreach (var item in Items)
        {
            double x = Math.Log(item.Popularity) - mean;
            squares += x * x;
        }

        double sd = Math.Sqrt(squares / Math.Max(1, Items.Length - 1));
        ZPopularity = new float[Items.Length];
        for (int i = 0; i < Items.Length; i++)
        {
            ZPopularity[i] = (float)(sd > 0 ? (Math.Log(Items[i].Popularity) - mean) / sd : 0);
        }

        var e = options.Embedding;
        _similarity = [(float)e.Global, (float)e.Category, (float)e.Subcategory, (float)e.Color, (float)e.Pattern, (float)e.Material, (float)e.Brand];
    }

    private readonly float[] _similarity;

    public RecSynthOptions Options { get; }

    public CatalogVocabulary Vocabulary { get; }

    public System.Collections.Immutable.ImmutableArray<string> AgeGroups { get; }

    public TasteCommunities Communities { get; }

    public Item[] Items { get; }

    public User[] UserList { get; }

    /// <summary>Factor length.</summary>
    public int F { get; }

    /// <summary>Embedding length.</summary>
    public int D { get; }

    public float[] ItemFactors { get; } // [items, F]

    public float[] UserFactors { get; } // [users, F]

    public float[] Embeddings { get; } // [items, D]

    public float[] ZPopularity { get; } // [items]

    public ReadOnlySpan<float> Embedding(int item) => Embeddings.AsSpan(item * D, D); // validation keeps items × D within an array

    public ReadOnlySpan<float> ItemFactor(int item) => ItemFactors.AsSpan(item * F, F);

    public ReadOnlySpan<float> UserFactor(int user) => UserFactors.AsSpan(user * F, F);

    /// <summary>
    /// Expected embedding cosine of two products from the attributes they share (the generative model's own
    /// similarity, without the noise): what satiation uses, at a fraction of the cost of a 512-d dot product.
    /// </summary>
    public float Similarity(in Item a, in Item b)
    {
        float s = _similarity[0];
        if (a.Category != b.Category)
        {
            return s;
        }

        s += _similarity[1];
        s += a.Subcategory == b.Subcategory ? _similarity[2] : 0;
        s += a.Color == b.Color ? _similarity[3] : 0;
        s += a.Pattern == b.Pattern ? _similarity[4] : 0;
        s += a.Material == b.Material ? _similarity[5] : 0;
        s += a.Brand == b.Brand ? _similarity[6] : 0;
        return s;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Simulation;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// Everything the simulation reads about products and users, held in flat arrays: the entities, their hidden
/// factors, the embeddings, standardised popularity, and the attribute similarity the satiation uses.
/// </summary>
internal sealed class World
{
    /// <summary>
    /// Builds the world; <paramref name="progress"/> hears of its products, then its users (see <see cref="SimulationProgress"/>).
    /// <paramref name="composedEmbeddings"/>: the products' embeddings, when already composed (as
    /// <see cref="EmbeddingModel.Compose"/> makes them); null: composed at their first use (<see cref="Embeddings"/>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="firstUser"/> and <paramref name="userCount"/> (−1: all the rest), only those users are built
    /// (a shard's: at ten million users the whole population's users and factors are 10 M × (96 + 4 × 32) bytes, 2.1 GiB, that a shard never reads);
    /// users keep their indices, and only runs over them can be made.
    /// </remarks>
    public World(
        RecSynthOptions options, int threads, CancellationToken cancellationToken, IProgress<SimulationProgress>? progress = null, float[]? composedEmbeddings = null,
        int firstUser = 0, int userCount = -1)
    {
        Options = options;
        var catalog = new CatalogModel(options);
        var users = new UserModel(options);
        Vocabulary = catalog.Vocabulary;
        AgeGroups = users.AgeGroups;
        Communities = catalog.Communities;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        F = Communities.Dimensions;
        D = options.Embedding.Dimensions;

        // Every entity, factor and embedding depends on its index only: blocks of them, in any order, give the same arrays.
        var products = new PhaseCounter(progress, Phases.WorldProducts, catalog.Count, "products");
        Items = new Item[catalog.Count];
        ItemFactors = new float[Items.Length * F];
        _embeddings = composedEmbeddings;
        _parallel = parallel;
        _progress = progress;
        products.For(Items.Length, EntitiesPerBlock, parallel, (first, end) =>
        {
            for (int i = first; i < end; i++)
            {
                Items[i] = catalog.CreateItem(i);
                Communities.ItemFactors(Items[i], ItemFactors.AsSpan(i * F, F));
            }
        });

        UserCount = users.Count;
        FirstUser = firstUser;
        UserList = new User[userCount < 0 ? UserCount - firstUser : userCount];
        UserFactors = new float[UserList.Length * F];
        var people = new PhaseCounter(progress, Phases.WorldUsers, UserList.Length, "users");
        people.For(UserList.Length, EntitiesPerBlock, parallel, (first, end) =>
        {
            for (int j = first; j < end; j++)
            {
                UserList[j] = users.CreateUser(firstUser + j);
                users.UserFactors(UserList[j], UserFactors.AsSpan(j * F, F));
            }
        });

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
        Attributes = [.. Items.Select(i => ItemAttributes.Pack(i))];
        _similarityByMatch = new float[ItemAttributes.MatchCount];
        for (int match = 0; match < ItemAttributes.MatchCount; match++)
        {
            // The same sums in the same order as the reference below (adding 0 for an attribute not shared).
            float s = _similarity[0];
            if ((match & 1) != 0)
            {
                s += _similarity[1];
                for (int attribute = 1; attribute < 6; attribute++)
                {
                    s += (match & (1 << attribute)) != 0 ? _similarity[attribute + 1] : 0;
                }
            }

            _similarityByMatch[match] = s;
        }
    }

    private const int EntitiesPerBlock = 1024; // a progress report per block: a few milliseconds of work

    private readonly float[] _similarity;
    private readonly float[] _similarityByMatch; // [64]: by which of the six attributes two products share

    private readonly Lock _sources = new();
    private (CfSourceOptions Options, CfSource Source)? _cf;
    private (ImageSourceOptions Options, ulong Seed, ImageSource Source)? _image;

    public RecSynthOptions Options { get; }

    /// <summary>
    /// The CF source of these options, built on the first call and kept: the runs on one world (the closed loop of
    /// several policies, evaluate's re-creation of a log and its closed loop) share their pools instead of building them
    /// again. A source is read-only once built.
    /// </summary>
    public CfSource CfSource(CfSourceOptions options, ParallelOptions parallel, IProgress<SimulationProgress>? progress)
    {
        lock (_sources)
        {
            if (_cf is not { } kept || kept.Options != options)
            {
                _cf = kept = (options, BuildCf(options, parallel, progress));
            }

            return kept.Source;
        }
    }

    /// <summary>The image source of these options and seed (its index and neighbour lists), built once and kept, like <see cref="CfSource"/>.</summary>
    public ImageSource ImageSource(ImageSourceOptions options, ulong seed, ParallelOptions parallel, IProgress<SimulationProgress>? progress)
    {
        lock (_sources)
        {
            if (_image is not { } kept || kept.Options != options || kept.Seed != seed)
            {
                _image = kept = (options, seed, BuildImage(options, seed, parallel, progress));
                if (ReleaseEmbeddingsWhenIndexed)
                {
                    bool held;
                    lock (_composing)
                    {
                        held = _embeddings is not null || _taken; // not composed at all when the source came from the cache
                        _released = true;
                        _embeddings = null;
                    }

                    if (held)
                    {
                        Behaviour.ImageSource.GiveBackMemory(D, Items.Length);
                    }
                }
            }

            return kept.Source;
        }
    }

    /// <summary>Where the sources' catalogue-side work is kept and reused (null: built for this world alone).</summary>
    public ISourceCache? Sources { get; set; }

    private CfSource BuildCf(CfSourceOptions options, ParallelOptions parallel, IProgress<SimulationProgress>? progress)
    {
        string key = FormattableString.Invariant(
            $"cf-pools v1 products={Items.Length} communities={Communities.Count} candidates={options.Candidates} popularity={options.PopularityWeight:R}");
        if (Load<int>(key) is { } rows)
        {
            try
            {
                return new CfSource(this, options, rows);
            }
            catch (ArgumentException)
            {
                // Content of another size under this key: built again below, and written over.
            }
        }

        var source = new CfSource(this, options, parallel, progress);
        Sources?.Save(key, MemoryMarshal.AsBytes(source.PoolRows.AsSpan()));
        return source;
    }

    private ImageSource BuildImage(ImageSourceOptions options, ulong seed, ParallelOptions parallel, IProgress<SimulationProgress>? progress)
    {
        string key = FormattableString.Invariant(
            $"image-neighbours v1 products={Items.Length} dimensions={D} neighbours={options.Neighbours} cell={options.CellSize} probes={options.Probes} seed={seed}");
        if (Load<Neighbour>(key) is { } rows && rows.Length == (long)Items.Length * (options.Neighbours + 1))
        {
            return new ImageSource(this, options, seed, rows);
        }

        var source = new ImageSource(this, options, seed, parallel, progress: progress);
        Sources?.Save(key, MemoryMarshal.AsBytes(source.Rows.AsSpan()));
        return source;
    }

    /// <summary>The values the cache holds under <paramref name="key"/>, when it holds a whole number of them.</summary>
    private T[]? Load<T>(string key)
        where T : unmanaged
    {
        var content = Sources?.Load(key);
        return content is null || content.Length % Unsafe.SizeOf<T>() != 0 ? null : MemoryMarshal.Cast<byte, T>(content).ToArray();
    }

    public CatalogVocabulary Vocabulary { get; }

    public System.Collections.Immutable.ImmutableArray<string> AgeGroups { get; }

    public TasteCommunities Communities { get; }

    public Item[] Items { get; }

    /// <summary>The users built, from <see cref="FirstUser"/> on (all of them unless the world was built for a shard).</summary>
    public User[] UserList { get; }

    /// <summary>Users in the population, built or not: what ids and per-user tables of the whole population are sized by.</summary>
    public int UserCount { get; }

    /// <summary>The index of <see cref="UserList"/>'s first user.</summary>
    public int FirstUser { get; }

    /// <summary>A built user, by index.</summary>
    public ref readonly User User(int user) => ref UserList[user - FirstUser];

    /// <summary>Factor length.</summary>
    public int F { get; }

    /// <summary>Embedding length.</summary>
    public int D { get; }

    public float[] ItemFactors { get; } // [items, F]

    public float[] UserFactors { get; } // [built users, F]

    /// <summary>
    /// [items, D]: composed at the first use (a run whose image source comes from <see cref="Sources"/> never needs
    /// them); given back after the image source is built when <see cref="ReleaseEmbeddingsWhenIndexed"/>.
    /// </summary>
    public float[] Embeddings
    {
        get
        {
            if (Volatile.Read(ref _embeddings) is { } ready)
            {
                return ready;
            }

            lock (_composing)
            {
                if (_released)
                {
                    throw new InvalidOperationException(
                        "the world gave its embeddings back once the image source was built (SimulationWorld.GivesBackEmbeddings): build the world again to read them");
                }

                return _embeddings ??= Compose();
            }
        }
    }

    /// <summary>
    /// Hands the matrix over to a caller that will write over it (the image index, putting it into leaf order): the world
    /// no longer has its embeddings, as after it gave them back.
    /// </summary>
    internal float[] TakeEmbeddings()
    {
        lock (_composing)
        {
            var embeddings = Embeddings;
            _embeddings = null;
            _released = _taken = true;
            return embeddings;
        }
    }

    /// <summary>Every product's embedding, in blocks on the world's threads (each row depends on its product only).</summary>
    private float[] Compose()
    {
        var model = new EmbeddingModel(Options);
        var embeddings = new float[Items.Length * D];
        new PhaseCounter(_progress, Phases.Embeddings, Items.Length, "products").For(Items.Length, EntitiesPerBlock, _parallel, (first, end) =>
        {
            for (int i = first; i < end; i++)
            {
                model.Compose(Items[i], embeddings.AsSpan(i * D, D));
            }
        });
        return embeddings;
    }

    private readonly Lock _composing = new();
    private readonly ParallelOptions _parallel;
    private readonly IProgress<SimulationProgress>? _progress;
    private bool _released;
    private bool _taken;

    /// <summary>Whether <see cref="ImageSource(ImageSourceOptions, ulong, ParallelOptions, IProgress{SimulationProgress}?)"/> gives the embeddings back once its neighbour lists are built.</summary>
    public bool ReleaseEmbeddingsWhenIndexed { get; set; }

    private float[]? _embeddings;

    public float[] ZPopularity { get; } // [items]

    /// <summary>Per product, its attributes in one word: what satiation and interest compare.</summary>
    public ItemAttributes[] Attributes { get; }

    public ReadOnlySpan<float> Embedding(int item) => Embeddings.AsSpan(item * D, D); // validation keeps items × D within an array

    public ReadOnlySpan<float> ItemFactor(int item) => ItemFactors.AsSpan(item * F, F);

    public ReadOnlySpan<float> UserFactor(int user) => UserFactors.AsSpan((user - FirstUser) * F, F);

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

    /// <summary>
    /// <see cref="Similarity(in Item, in Item)"/> from two products' <see cref="Attributes"/>: the attributes they
    /// share give a 6-bit match, whose similarity is in a table. Same value, no branches.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Similarity(ItemAttributes a, ItemAttributes b) => SimilarityOf(ItemAttributes.Match(a, b));

    /// <summary>
    /// The similarity of two products that share the attributes of <paramref name="match"/> (see
    /// <see cref="ItemAttributes.Match"/>).
    /// </summary>
    public float SimilarityOf(int match) => _similarityByMatch[match];
}

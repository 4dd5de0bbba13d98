using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Users;

namespace RecSynth.Simulation;

/// <summary>
/// The catalogue and the users a simulation runs on, built once from the options (every product and user with its
/// hidden factors and embedding, in memory) and shared by every run on them: a logging run, the closed loop of several
/// policies, the re-creation of a log. Build it with <see cref="Build(RecSynthOptions, int, IProgress{SimulationProgress}?, CancellationToken)"/>.
/// </summary>
public sealed class SimulationWorld
{
    private SimulationWorld(World model) => Model = model;

    /// <summary>The options it was built from (their catalogue, users, embedding, period and default behaviour).</summary>
    public RecSynthOptions Options => Model.Options;

    /// <summary>Products.</summary>
    public int ItemCount => Model.Items.Length;

    /// <summary>Users.</summary>
    public int UserCount => Model.UserCount;

    internal World Model { get; }

    /// <summary>Builds the world of <paramref name="options"/>, on <paramref name="threads"/> threads (the result does not depend on them).</summary>
    /// <exception cref="OptionsException">The options are invalid, or too large to simulate.</exception>
    public static SimulationWorld Build(RecSynthOptions options, int threads, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Create(options, threads, null, 0, null, progress, cancellationToken);

    /// <summary>
    /// Builds the world of <paramref name="options"/> on the products' embeddings already composed — every row as
    /// <see cref="EmbeddingModel.Compose"/> makes it, [products × dimensions], e.g. while writing them to a file — so
    /// that none is composed twice. The array becomes the world's: do not change it afterwards.
    /// </summary>
    /// <exception cref="OptionsException">The options are invalid, or too large to simulate.</exception>
    /// <exception cref="ArgumentException">The array's length is not products × dimensions.</exception>
    public static SimulationWorld BuildWithEmbeddings(
        RecSynthOptions options, int threads, float[] composedEmbeddings, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(composedEmbeddings);
        return Create(options, threads, composedEmbeddings, 0, null, progress, cancellationToken);
    }

    /// <summary>
    /// Builds the world of <paramref name="options"/> with only the users from <paramref name="firstUser"/> on,
    /// <paramref name="userCount"/> of them: a shard's world (docs/sharding.md). Users keep their indices and ids;
    /// <see cref="UserCount"/> is still the whole population's; a run may simulate only these users, and
    /// <see cref="User"/> of another throws. The catalogue is whole. <paramref name="composedEmbeddings"/>: as for
    /// <see cref="BuildWithEmbeddings"/>, or null.
    /// </summary>
    /// <exception cref="OptionsException">The options are invalid, too large to simulate, or the users do not lie within the population.</exception>
    public static SimulationWorld BuildForUsers(
        RecSynthOptions options, int threads, int firstUser, int userCount, float[]? composedEmbeddings = null, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Create(options, threads, composedEmbeddings, firstUser, userCount, progress, cancellationToken);

    private static SimulationWorld Create(
        RecSynthOptions options, int threads, float[]? composedEmbeddings, int firstUser, int? userCount, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        if (composedEmbeddings is not null && (long)options.Catalog.Count * options.Embedding.Dimensions != composedEmbeddings.Length)
        {
            throw new ArgumentException($"holds {composedEmbeddings.Length} floats, not products × dimensions ({options.Catalog.Count} × {options.Embedding.Dimensions})", nameof(composedEmbeddings));
        }

        if (options.ValidateForSimulation() is { Count: > 0 } problems)
        {
            throw new OptionsException(problems);
        }

        var problem = SimulationSetup.CheckThreads(threads);
        int count = userCount ?? options.Users.Count - firstUser;
        if (firstUser < 0 || firstUser > options.Users.Count || count < 0 || count > options.Users.Count - firstUser)
        {
            problem ??= new OptionProblem("run.users", string.Create(CultureInfo.InvariantCulture, $"{firstUser}+{userCount}"), $"must lie within the {options.Users.Count} users");
        }

        return problem is null
            ? new SimulationWorld(new World(options, threads, cancellationToken, progress, composedEmbeddings, firstUser, count))
            : throw new OptionsException([problem.Value]);
    }

    /// <summary>The users built: the first and how many (all of them unless built by <see cref="BuildForUsers"/>).</summary>
    internal (int First, int Count) BuiltUsers => (Model.FirstUser, Model.UserList.Length);

    /// <summary>The id of a product (<c>item_{index}</c>).</summary>
    public static string ItemId(int item) => CatalogVocabulary.ItemId(item);

    /// <summary>The id of a user (<c>U000042</c>: the index, zero-padded).</summary>
    public string UserId(int user) => UserPopulation.UserId(user, UserCount);

    /// <summary>The length of a product's image embedding.</summary>
    public int EmbeddingDimensions => Model.D;

    /// <summary>
    /// A product's image embedding (unit length, float32): the row of <c>embeddings.npy</c>, composed once when the world
    /// was built. <see cref="EmbeddingModel.Widen"/> makes the float64 row of it.
    /// </summary>
    public ReadOnlySpan<float> Embedding(int item) => Model.Embedding(item);

    /// <summary>Every product's embedding, row after row: [<see cref="ItemCount"/>, <see cref="EmbeddingDimensions"/>].</summary>
    public ReadOnlyMemory<float> Embeddings => Model.Embeddings;

    /// <summary>
    /// Where the built-in sources' catalogue-side work — every product's image neighbour list and the taste
    /// communities' CF pools — is kept, and reused when a run on the same catalogue saved it there before (the shards
    /// of a dataset: docs/sharding.md); null (the default): built for this world alone. The cache changes no output.
    /// </summary>
    public ISourceCache? Sources
    {
        get => Model.Sources;
        set => Model.Sources = value;
    }

    /// <summary>
    /// Whether the world gives its embedding matrix back once a run has built the image source's neighbour lists from
    /// it (off by default): for a world that serves a single run with the built-in sources (a logging run, as
    /// <c>generate</c> makes), which reads no embedding after that; it saves products × dimensions × 4 bytes of the
    /// run's peak (1.9 GiB at the large preset). After that, <see cref="Embedding"/> and <see cref="Embeddings"/> throw
    /// <see cref="InvalidOperationException"/>, and so does a run that needs the image source anew.
    /// </summary>
    public bool GivesBackEmbeddings
    {
        get => Model.ReleaseEmbeddingsWhenIndexed;
        set => Model.ReleaseEmbeddingsWhenIndexed = value;
    }

    /// <summary>A product, as the catalogue describes it.</summary>
    public Item Item(int item) => Model.Items[item];

    /// <summary>A user, with the hidden preferences a policy must find.</summary>
    public User User(int user) => Model.User(user);
}

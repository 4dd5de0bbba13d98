using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RecSynth.Catalog;
using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// Simulates sessions (docs/design.md §4): the policy chooses an arm, the two sources fill the slate, the user examines
/// it top-down (a cascade with position bias) and views, likes and buys. Every draw comes from the session's own stream
/// (seed, session id), so a user's history does not depend on other users, threads or shards.
/// </summary>
internal sealed class Simulator
{
    public const long SessionsPerUser = 10_000_000; // session id = user × this + the user's session number
    private const long Day = 86_400;

    private readonly World _world;
    private readonly BehaviourOptions _options;
    private readonly ResponseOptions _response;
    private readonly ulong _seed;
    private readonly double[] _examine; // P(examine position p), 1-based, with _examine[K + 1] = 0
    private readonly bool[] _imagePositions; // see ImagePositions
    private readonly long[] _listedAt; // per item, packed for the masks of the sources
    private readonly int[] _listedWeek; // per item: the week of its listing (see ItemMark.ListedWeek)
    private readonly long[] _popularListedAt; // per slot of CF's popular list
    private readonly int[] _popularSlot; // per item: its slot in CF's popular list, or -1
    private readonly float[] _interestBase; // [price sensitivity × 3 + sustainability focus, item]: the logit's item-only terms
    private readonly float[] _purchaseFactor; // [price sensitivity, item]: purchase_scale × exp(−penalty × log(price / reference))
    private readonly double[] _satiationFactor; // [65]: by shared attributes (World.Match), then for nothing above

    /// <summary>Builds the sources; <paramref name="progress"/> hears of the CF pools, then the image index and neighbour lists.</summary>
    public Simulator(World world, BehaviourOptions options, ulong seed, ParallelOptions parallel, IProgress<SimulationProgress>? progress = null)
    {
        _world = world;
        _options = options;
        _response = options.Response;
        _seed = seed;
        Schedule = new SessionSchedule(options.Sessions, world.Options.Time.StartSeconds, world.Options.Time.EndSeconds, seed);
        Cf = new CfSource(world, options.Cf, parallel, progress);
        Image = new ImageSource(world, options.Image, seed, parallel, progress: progress);
        int k = options.SlateSize;
        _imagePositions = ImagePositions(k);
        _examine = new double[k + 2];
        for (int p = 1; p <= k; p++)
        {
            _examine[p] = Math.Pow(p, -_response.PositionBias);
        }

        var appeal = options.Response.ConditionAppeal.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
        float[] logPrice = [.. world.Items.Select(i => (float)Math.Log(i.Price / _response.ReferencePrice))];
        float[] conditionAppeal = [.. world.Items.Select(i => (float)appeal.GetValueOrDefault(world.Vocabulary.Conditions[i.Condition]))];
        Levels = [.. options.BlendLevels];
        _satiationFactor = [.. Enumerable.Range(0, 64).Select(match => SatiationFactor(world.SimilarityOf(match))), SatiationFactor(0)];
        _listedAt = [.. world.Items.Select(i => i.ListedAt)];
        long periodStart = world.Options.Time.StartSeconds;
        _listedWeek = [.. _listedAt.Select(t => t < periodStart ? -1 : (int)Math.Min(Schedule.Weeks, (t - periodStart) / SessionSchedule.Week))];
        _popularListedAt = [.. Cf.Popular.Items.Select(i => _listedAt[i])];
        _popularSlot = new int[world.Items.Length];
        _popularSlot.AsSpan().Fill(-1);
        for (int j = 0; j < Cf.Popular.Items.Length; j++)
        {
            _popularSlot[Cf.Popular.Items[j]] = j;
        }

        // The parts of interest and purchase that depend on the product and one of the user's three-level attributes,
        // computed once per product rather than once per slate position.
        int n = world.Items.Length;
        var r = _response;
        _interestBase = new float[9 * n];
        _purchaseFactor = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            for (int sensitivity = 0; sensitivity < 3; sensitivity++)
            {
                _purchaseFactor[sensitivity * n + i] = (float)(r.PurchaseScale * Math.Exp(-r.PurchasePricePenalty[sensitivity] * logPrice[i]));
                for (int focus = 0; focus < 3; focus++)
                {
                    _interestBase[(sensitivity * 3 + focus) * n + i] = (float)(
                        r.InterestBias + r.Popularity * world.ZPopularity[i] - r.PricePenalty[sensitivity] * logPrice[i] + r.Sustainability[focus] * conditionAppeal[i]);
                }
            }
        }
    }

    public SessionSchedule Schedule { get; }

    /// <summary>A worker's working memory (one per thread).</summary>
    public Scratch NewScratch()
    {
        var image = _options.Image;
        return new Scratch(_listedWeek, SlateSize, Math.Max(16, image.Anchors * image.Neighbours));
    }

    public CfSource Cf { get; }

    /// <summary>The builtin recommender's CF model, learned from the log; null: the oracle's own CF source.</summary>
    public LearnedCf? Learned { get; set; }

    /// <summary>An outside recommender for both sources (e.g. Gorse); null: the simulator's own sources.</summary>
    public Bandits.ISlateService? External { get; set; }

    public ImageSource Image { get; }

    public double[] Levels { get; }

    public int SlateSize => _options.SlateSize;

    /// <summary>
    /// Simulates <paramref name="user"/>'s sessions that start in <paramref name="week"/> (and in [from, to): one day of
    /// it, for a policy that learns day by day), appending their records. The policy draws from a stream of its own, so
    /// that the same session of two policies that serve the same arm gets the same slate and the same response (common
    /// random numbers), and a learning policy learns from each session's reward at once.
    /// </summary>
    public void RunWeek(int user, int week, UserState state, Simulation.ISessionPolicy policy, Scratch scratch, Output output, GroundTruth? truth, long from = long.MinValue, long to = long.MaxValue)
    {
        ref readonly var person = ref _world.UserList[user];
        scratch.Times.Clear();
        Schedule.Sessions(person, week, scratch.Times);
        foreach (long start in scratch.Times)
        {
            if (start < from || start >= to)
            {
                continue;
            }

            long sessionId = user * SessionsPerUser + state.Sessions;
            state.Sessions++;
            var random = new EntityRandom(_seed, RandomStream.SessionDraws, sessionId);
            var policyRandom = new Simulation.PolicyRandom(_seed, sessionId);
            var (arm, propensity) = policy.Choose(user, ref policyRandom);
            ulong cfKey = random.NextUInt64();
            ulong imageKey = random.NextUInt64();
            // Drawn whether or not the ground truth is computed, so that the sessions do not depend on it (evaluate
            // re-simulates a log with the truth of every session).
            double truthDraw = random.NextDouble();
            bool truthWanted = truth is not null && truthDraw < TruthShare(person);
            bool imageWanted = arm.Blend > 0 || truthWanted;
            if (imageWanted && External is null)
            {
                // The anchors' neighbour lists start coming in while the CF list is made.
                for (int r = 0; r < Math.Min(state.AnchorCount, _options.Image.Anchors); r++)
                {
                    Image.PrefetchNeighbours(state.Anchor(r));
                }
            }

            scratch.Exclude(state);
            scratch.CfInterest = null;
            int cfCount = arm.Blend < 1 || truthWanted ? CfList(person, state, start, cfKey, scratch) : 0;
            int imageCount = imageWanted ? ImageList(person, state, week, start, imageKey, scratch) : 0;
            double cfPreference = person.DriftAt is long driftAt && start >= driftAt ? person.CfPreferenceAfter!.Value : person.CfPreference;
            int locals = Describe(person, cfCount, imageCount, truthWanted, scratch);
            if (truth is not null && truthWanted)
            {
                // Every slate of the truth examines every product: their interest in one loop, whose iterations do not
                // wait for each other's cache misses.
                for (int local = 0; local < locals; local++)
                {
                    LocalInterest(person, local, scratch);
                }

                truth.CountSession(user);
                for (int level = 0; level < Levels.Length; level++)
                {
                    int size = Assemble(Levels[level], cfCount, imageCount, scratch);
                    truth.Add(user, level, Expected(person, cfPreference, size, scratch));
                }
            }

            int slateSize = Assemble(arm.Blend, cfCount, imageCount, scratch);
            if (!truthWanted)
            {
                // Most sessions examine the top few positions only.
                for (int p = 0; p < Math.Min(slateSize, 3); p++)
                {
                    PrefetchInterest(person, scratch.Slate[p]);
                }
            }

            var (views, likes, purchases) = Respond(person, state, cfPreference, start, sessionId, slateSize, ref random, scratch, output);
            var record = new SessionRecord(start, sessionId, user, arm, propensity, (byte)slateSize, views, likes, purchases);
            output.Sessions.Add(record);
            if (policy.Learns)
            {
                policy.Learn(user, arm, record.Reward);
            }
        }
    }

    /// <summary>The share of a user's sessions the ground truth samples: about ground_truth_sessions of the expected count.</summary>
    private double TruthShare(in User user)
    {
        int wanted = _options.GroundTruthSessions;
        double expected = user.Activity * Schedule.Weeks;
        return wanted == 0 || expected <= wanted ? 1 : wanted / expected;
    }

    /// <summary>CF's top K for this session: the user's candidates (or the popular items) with per-session noise.</summary>
    private int CfList(in User user, UserState state, long now, ulong key, Scratch scratch)
    {
        if (External is { } service)
        {
            // The service's list, best first, as it came: no noise of ours, only what must never be shown.
            var topExternal = scratch.Top.Reset();
            var recommended = service.Recommend(user.Index, _options.Cf.Candidates);
            for (int j = 0; j < recommended.Count; j++)
            {
                int item = recommended[j];
                if ((uint)item < (uint)_listedAt.Length && _listedAt[item] <= now && scratch.Marks[item].Excluded != scratch.Session)
                {
                    topExternal.Offer(item, -j);
                }
            }

            return topExternal.CopyTo(scratch.CfList);
        }

        bool warm = state.Positives >= _options.Cf.WarmUpPositives;
        long listedBy = now - _options.Cf.ColdStartDays * Day;
        int[] items;
        float[] scores;
        Span<ulong> skip;
        if (Learned is { } model)
        {
            (items, scores) = warm && model.Knows(user.Index) ? model.Candidates(user.Index) : model.Popular;
            skip = scratch.Skip(items.Length);
            for (int j = 0; j < items.Length; j++)
            {
                int item = items[j];
                if (_listedAt[item] > listedBy || scratch.Marks[item].Excluded == scratch.Session)
                {
                    skip[j >> 6] |= 1UL << j;
                }
            }
        }
        else if (warm)
        {
            if (state.Cf is null)
            {
                (items, scores) = Cf.Candidates(user.Index);
                state.Cf = new CfCandidates(items, scores, state.Bought);
            }

            (items, scores) = (state.Cf.Items, state.Cf.Scores);
            skip = scratch.Skip(items.Length);
            state.Cf.Skipped(listedBy, _listedAt, skip);
            scratch.CfInterest = state.Cf.Interest;
        }
        else
        {
            (items, scores) = Cf.Popular;
            skip = scratch.Skip(items.Length);
            for (int j = 0; j < items.Length; j++)
            {
                if (_popularListedAt[j] > listedBy)
                {
                    skip[j >> 6] |= 1UL << j;
                }
            }

            foreach (int item in state.Bought)
            {
                if (_popularSlot[item] is int j and >= 0)
                {
                    skip[j >> 6] |= 1UL << j;
                }
            }
        }

        var noise = scratch.Noise(items.Length);
        GaussianKernel.Fill(noise, (uint)key, (uint)(key >> 32));
        float sigma = Learned is null ? (float)_options.Cf.Noise : 0; // a learned model's errors are its own noise
        var noisy = scratch.Scores(items.Length);
        Noisy(scores, noise, sigma, noisy);
        for (int w = 0; w < skip.Length; w++)
        {
            for (ulong bits = skip[w]; bits != 0; bits &= bits - 1)
            {
                noisy[(w << 6) | BitOperations.TrailingZeroCount(bits)] = float.NegativeInfinity;
            }
        }

        var top = scratch.Top.Reset();
        top.OfferAll(noisy, items);
        return top.CopyTo(scratch.CfList, scratch.CfSlots);
    }

    /// <summary>
    /// noisy = scores + sigma × noise, the same bits as the scalar expression, and −∞ beyond the scores (the length of
    /// <paramref name="noisy"/> is a multiple of 16).
    /// </summary>
    private static void Noisy(ReadOnlySpan<float> scores, ReadOnlySpan<float> noise, float sigma, Span<float> noisy)
    {
        int j = 0;
        var scale = Vector256.Create(sigma);
        for (; j + 8 <= scores.Length; j += 8)
        {
            (Vector256.Create(scores[j..]) + scale * Vector256.Create(noise[j..])).CopyTo(noisy[j..]);
        }

        for (; j < scores.Length; j++)
        {
            noisy[j] = scores[j] + sigma * noise[j];
        }

        noisy[j..].Fill(float.NegativeInfinity);
    }

    /// <summary>The image source's top K: similarity to the recent positives (or the visual taste), with per-session noise.</summary>
    private int ImageList(in User user, UserState state, int week, long now, ulong key, Scratch scratch)
    {
        // The recent positives, most recent first (without any: the visual taste), each looked up once.
        int anchorCount = Math.Min(state.AnchorCount, _options.Image.Anchors);
        Span<int> anchors = stackalloc int[Math.Max(1, anchorCount)];
        for (int r = 0; r < anchors.Length; r++)
        {
            anchors[r] = anchorCount == 0 ? Image.TasteSeed(user) : state.Anchor(r);
        }

        int stamp = scratch.NextStamp();
        int session = scratch.Session;
        var marks = scratch.Marks;
        foreach (int anchor in anchors)
        {
            marks[anchor].Excluded = session; // never recommend an anchor back
            if (External is null)
            {
                foreach (var neighbour in Image.Neighbours(anchor))
                {
                    Prefetch.Line(marks, neighbour.Item); // the merge below reads them in an order no prefetcher guesses
                }
            }
        }

        // Candidates in order of first appearance, each with its best weighted similarity. Without branches on whether
        // a product was seen or must be skipped: the next free slot's score is kept at −∞, so that a new product takes
        // max(−∞, score), and a skipped one goes to that slot with −∞ (and is overwritten by the next new product).
        int count = 0;
        ref int candidates = ref MemoryMarshal.GetArrayDataReference(scratch.Candidates);
        ref float scores = ref MemoryMarshal.GetArrayDataReference(scratch.CandidateScores);
        scores = float.NegativeInfinity;
        for (int r = 0; r < anchors.Length; r++)
        {
            int anchor = anchors[r];
            ReadOnlySpan<Neighbour> neighbours = External is { } service ? Ranked(service.Similar(anchor, _options.Image.Neighbours)) : Image.Neighbours(anchor);
            float weight = (float)(1 - r * Image.RecencyDiscount);
            if ((uint)count + (uint)neighbours.Length > (uint)scratch.Candidates.Length)
            {
                throw new InvalidOperationException("more image candidates than the scratch holds");
            }

            foreach (var (item, similarity) in neighbours)
            {
                ref var mark = ref marks[item];
                // Listed before this week, after it, or (rarely) during it: then by the second.
                bool unlisted = mark.ListedWeek > week || (mark.ListedWeek == week && _listedAt[item] > now);
                bool skip = mark.Excluded == session | unlisted;
                bool fresh = mark.Stamp != stamp & !skip;
                int at = fresh | skip ? count : mark.Index;
                Unsafe.Add(ref candidates, at) = item;
                ref float score = ref Unsafe.Add(ref scores, at);
                score = float.MaxNative(score, skip ? float.NegativeInfinity : similarity * weight);
                mark.Stamp = stamp; // a skipped product is skipped wherever it comes again, so its mark is never read
                mark.Index = at;
                count += fresh ? 1 : 0;
                Unsafe.Add(ref scores, count) = float.NegativeInfinity;
            }
        }

        var noise = scratch.Noise(count);
        GaussianKernel.Fill(noise, (uint)key, (uint)(key >> 32));
        var noisy = scratch.Scores(count);
        Noisy(scratch.CandidateScores.AsSpan(0, count), noise, (float)Image.Noise, noisy);
        var top = scratch.Top.Reset();
        top.OfferAll(noisy, scratch.Candidates.AsSpan(0, count));
        return top.CopyTo(scratch.ImageList);
    }

    /// <summary>An outside service's similar products with similarities by rank (1 for the first, falling by 1 / count).</summary>
    private Neighbour[] Ranked(IReadOnlyList<int> similar)
    {
        int[] items = [.. similar.Where(i => (uint)i < (uint)_listedAt.Length)];
        return [.. items.Select((item, j) => new Neighbour(item, 1f - j / (float)Math.Max(1, items.Length)))];
    }

    /// <summary>
    /// The slate for a blend: round(blend × K) positions, spread evenly, from the image list, the rest from the CF
    /// list; a product already shown is skipped, and a source that runs out is filled from the other.
    /// </summary>
    private int Assemble(double blend, int cfCount, int imageCount, Scratch scratch)
    {
        int k = _options.SlateSize;
        int images = (int)Math.Round(blend * k, MidpointRounding.AwayFromZero);
        int ci = 0, ii = 0, size = 0;
        var shown = scratch.Shown(cfCount + imageCount);
        for (int p = 0; p < k; p++)
        {
            bool image = _imagePositions[images * k + p];
            int local = image ? Next(scratch.ImageLocal, imageCount, ref ii, shown) : Next(scratch.CfLocal, cfCount, ref ci, shown);
            bool fromImage = image;
            if (local < 0)
            {
                local = image ? Next(scratch.CfLocal, cfCount, ref ci, shown) : Next(scratch.ImageLocal, imageCount, ref ii, shown);
                fromImage = !image;
            }

            if (local < 0)
            {
                break;
            }

            scratch.Slate[size] = scratch.LocalItems[local];
            scratch.SlateLocal[size] = local;
            scratch.SlateAttributes[size] = scratch.LocalAttributes[local];
            scratch.Sources[size] = fromImage ? RecType.Image : RecType.Cf;
            size++;
        }

        return size;
    }

    /// <summary>ceil(p · n / k): spreads n of k positions evenly, the first at the top (a blend leads with its image).</summary>
    private static int Spread(int p, int n, int k) => (p * n + k - 1) / k;

    /// <summary>[n × K + p]: whether position p is one of the n image positions of a slate of K (from <see cref="Spread"/>).</summary>
    private static bool[] ImagePositions(int k)
    {
        var positions = new bool[(k + 1) * k];
        for (int n = 0; n <= k; n++)
        {
            for (int p = 0; p < k; p++)
            {
                positions[n * k + p] = Spread(p + 1, n, k) > Spread(p, n, k);
            }
        }

        return positions;
    }

    /// <summary>The next product of a list (by local index) not on the slate yet, now marked shown; −1: none left.</summary>
    private static int Next(int[] list, int count, ref int at, Span<bool> shown)
    {
        while (at < count)
        {
            int local = list[at++];
            if (!shown[local])
            {
                shown[local] = true;
                return local;
            }
        }

        return -1;
    }

    /// <summary>Interest of the user in a product: matches of style preferences, hidden taste, popularity, price and condition.</summary>
    private float Interest(in User user, int itemIndex)
    {
        ulong attributes = _world.Attributes[itemIndex];
        int color = (byte)(attributes >> 16), pattern = (byte)(attributes >> 24), material = (byte)(attributes >> 32);
        int brand = (byte)(attributes >> 40), style = (byte)(attributes >> 48);
        var r = _response;
        int n = _world.Items.Length;
        double logit = _interestBase[(user.PriceSensitivity * 3 + user.SustainabilityFocus) * n + itemIndex]
            + (((user.ColorMask >> color) & 1) != 0 ? r.Color : 0)
            + (((user.PatternMask >> pattern) & 1) != 0 ? r.Pattern : 0)
            + (((user.MaterialMask >> material) & 1) != 0 ? r.Material : 0)
            + (((user.BrandMask >> brand) & 1) != 0 ? r.Brand : 0)
            + (style == user.PrimaryStyle ? r.Style : 0)
            + r.Taste * VectorMath.Dot(_world.UserFactor(user.Index), _world.ItemFactor(itemIndex));
        return 1 / (1 + MathF.Exp(-(float)logit));
    }

    private static double Multiplier(double cfPreference, RecType source) => source == RecType.Cf ? cfPreference : 1 - cfPreference;

    /// <summary>
    /// Gives the session's candidate products (both lists, deduplicated) local indices. What the slates need about
    /// them (interest, like and purchase probabilities) is computed when a slate first needs it: a session that does
    /// not sample the ground truth examines three or four positions of one slate.
    /// </summary>
    private int Describe(in User user, int cfCount, int imageCount, bool prefetch, Scratch scratch)
    {
        int n = 0;
        int stamp = scratch.NextStamp();
        for (int j = 0; j < cfCount + imageCount; j++)
        {
            bool cf = j < cfCount;
            int item = cf ? scratch.CfList[j] : scratch.ImageList[j - cfCount];
            int local;
            ref var mark = ref scratch.Marks[item];
            if (mark.Stamp == stamp)
            {
                local = mark.Index;
            }
            else
            {
                local = n++;
                mark.Stamp = stamp;
                mark.Index = local;
                scratch.LocalItems[local] = item;
                scratch.LocalAttributes[local] = _world.Attributes[item];
                scratch.LocalCfSlot[local] = cf && scratch.CfInterest is not null ? scratch.CfSlots[j] : -1;
                scratch.LocalInterest[local] = float.NaN;
                if (prefetch)
                {
                    PrefetchInterest(user, item); // the truth computes the interest of every product
                }
            }

            if (cf)
            {
                scratch.CfLocal[j] = local;
            }
            else
            {
                scratch.ImageLocal[j - cfCount] = local;
            }
        }

        return n;
    }

    /// <summary>Starts bringing in what <see cref="Interest"/> and the purchase probability read about a product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchInterest(in User user, int item)
    {
        int items = _world.Items.Length, f = _world.F;
        Prefetch.Line(_interestBase, (user.PriceSensitivity * 3 + user.SustainabilityFocus) * items + item);
        Prefetch.Line(_purchaseFactor, user.PriceSensitivity * items + item);
        Prefetch.Line(_world.ItemFactors, item * f);
        Prefetch.Line(_world.ItemFactors, item * f + f - 1);
    }

    /// <summary>The user's interest in a local product, with its like and purchase probabilities, computed on first use.</summary>
    private float LocalInterest(in User user, int local, Scratch scratch)
    {
        float interest = scratch.LocalInterest[local];
        if (!float.IsNaN(interest))
        {
            return interest;
        }

        // A warm user's CF candidates come back session after session: their interest is computed once.
        int item = scratch.LocalItems[local];
        int slot = scratch.LocalCfSlot[local];
        if (slot >= 0 && scratch.CfInterest is { } cache)
        {
            interest = cache[slot];
            if (float.IsNaN(interest))
            {
                cache[slot] = interest = Interest(user, item);
            }
        }
        else
        {
            interest = Interest(user, item);
        }

        scratch.LocalInterest[local] = interest;
        scratch.LocalLike[local] = (float)Math.Min(1, _response.LikeScale * interest);
        scratch.LocalPurchase[local] = Math.Min(1, interest * _purchaseFactor[user.PriceSensitivity * _world.Items.Length + item]);
        return interest;
    }

    /// <summary>
    /// The view probability before the source multiplier: view_scale × interest × (1 − satiation penalty). The penalty
    /// grows with the saturation (the similarity to the most similar product above), so the factor for the saturation
    /// is the least of the factors of each product above, each one from a table by shared attributes.
    /// </summary>
    private double ViewBase(in User user, int p, Scratch scratch) =>
        _response.ViewScale * LocalInterest(user, scratch.SlateLocal[p], scratch) * LeastFactor(scratch.SlateAttributes.AsSpan(0, p), scratch.SlateAttributes[p], _satiationFactor);

    /// <summary>
    /// The least of <paramref name="factors"/>[World.Match(attributes, a)] over the products <paramref name="above"/>,
    /// and the table's last entry (the factor for nothing above).
    /// </summary>
    internal static double LeastFactor(ReadOnlySpan<ulong> above, ulong attributes, ReadOnlySpan<double> factors)
    {
        double factor = factors[^1];
        int q = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four products above at a time: their bytes equal to this product's, as a bit each (World.Match's bits
            // are those of the first six bytes).
            var these = Vector256.Create(attributes).AsByte();
            for (; q + 4 <= above.Length; q += 4)
            {
                uint equal = Vector256.Equals(these, Vector256.Create(above[q..]).AsByte()).ExtractMostSignificantBits();
                factor = double.MinNative(factor, double.MinNative(
                    double.MinNative(factors[(int)equal & 63], factors[(int)(equal >> 8) & 63]),
                    double.MinNative(factors[(int)(equal >> 16) & 63], factors[(int)(equal >> 24) & 63])));
            }
        }

        for (; q < above.Length; q++)
        {
            factor = double.MinNative(factor, factors[World.Match(attributes, above[q])]);
        }

        return factor;
    }

    /// <summary>1 − satiation × penalty for a saturation (a similarity, or 0 when nothing is above).</summary>
    private double SatiationFactor(float saturation) =>
        1 - _response.Satiation * Math.Clamp((saturation - _response.SatiationThreshold) / (1 - _response.SatiationThreshold), 0, 1);

    /// <summary>
    /// The exact expected reward of the slate (over the examination cascade, the source multiplier's uniform part, and
    /// the view, like and purchase draws): Σ_L P(the user stops after L) · (1 − Π_{p ≤ L} (1 − P(positive at p))).
    /// </summary>
    private double Expected(in User user, double cfPreference, int size, Scratch scratch)
    {
        double consistency = user.PreferenceConsistency;
        double expected = 0, none = 1;
        for (int p = 0; p < size; p++)
        {
            double a = ViewBase(user, p, scratch);
            double low = consistency * Multiplier(cfPreference, scratch.Sources[p]);
            double view = ExpectedClipped(a, low, low + (1 - consistency));
            int local = scratch.SlateLocal[p];
            double like = scratch.LocalLike[local];
            double purchase = scratch.LocalPurchase[local];
            none *= 1 - view * (1 - (1 - like) * (1 - purchase));
            expected += (_examine[p + 1] - _examine[p + 2]) * (1 - none);
        }

        // A slate shorter than K ends the examination at its last position: those who would have gone on (probability
        // _examine[size + 1]; 0 for a full slate) stop there too, with whatever they did on the slate.
        return expected + _examine[size + 1] * (1 - none);
    }

    /// <summary>E[min(1, a·m)] for m uniform on [low, high].</summary>
    private static double ExpectedClipped(double a, double low, double high)
    {
        if (a <= 0)
        {
            return 0;
        }

        if (high - low < 1e-12)
        {
            return Math.Min(1, a * low);
        }

        double t = 1 / a; // where a·m reaches 1
        if (t >= high)
        {
            return a * (low + high) / 2;
        }

        if (t <= low)
        {
            return 1;
        }

        return ((t * t - low * low) * a / 2 + (high - t)) / (high - low);
    }

    /// <summary>The user's response: cascade examination, views, likes and purchases; events in time order.</summary>
    private (byte Views, byte Likes, byte Purchases) Respond(
        in User user, UserState state, double cfPreference, long start, long sessionId, int size, ref EntityRandom random, Scratch scratch, Output output)
    {
        var r = _response;
        double consistency = user.PreferenceConsistency;
        double clock = start;
        byte views = 0, likes = 0, purchases = 0;
        for (int p = 0; p < size; p++)
        {
            if (p > 0 && !random.NextBernoulli(_examine[p + 1] / _examine[p]))
            {
                break; // the cascade stops here
            }

            clock += 3 + Exponential(ref random, r.DwellSeconds);
            double a = ViewBase(user, p, scratch);
            int local = scratch.SlateLocal[p];
            double multiplier = consistency * Multiplier(cfPreference, scratch.Sources[p]) + (1 - consistency) * random.NextDouble();
            if (!random.NextBernoulli(Math.Min(1, a * multiplier)))
            {
                continue;
            }

            int item = scratch.Slate[p];
            long viewed = (long)clock;
            var source = scratch.Sources[p];
            byte position = (byte)(p + 1);
            output.Interactions.Add(new InteractionRecord(viewed, sessionId, user.Index, item, position, FeedbackType.View, source));
            Learned?.Record(user.Index, item, FeedbackType.View);
            views++;
            bool liked = random.NextBernoulli(scratch.LocalLike[local]);
            bool bought = random.NextBernoulli(scratch.LocalPurchase[local]);
            if (liked)
            {
                output.Interactions.Add(new InteractionRecord(viewed + 1 + (long)Exponential(ref random, r.LikeDelaySeconds), sessionId, user.Index, item, position, FeedbackType.Like, source));
                likes++;
                Learned?.Record(user.Index, item, FeedbackType.Like);
            }

            if (bought)
            {
                output.Interactions.Add(new InteractionRecord(viewed + 1 + (long)Exponential(ref random, r.PurchaseDelaySeconds), sessionId, user.Index, item, position, FeedbackType.Purchase, source));
                purchases++;
                state.AddPurchase(item);
                Learned?.Record(user.Index, item, FeedbackType.Purchase);
            }

            if (liked || bought)
            {
                state.AddPositive(item);
            }
        }

        return (views, likes, purchases);
    }

    private static double Exponential(ref EntityRandom random, double mean) => mean <= 0 ? 0 : -mean * Math.Log(random.NextOpenDouble());

    /// <summary>The records a worker collects.</summary>
    internal sealed class Output
    {
        public List<InteractionRecord> Interactions { get; } = [];

        public List<SessionRecord> Sessions { get; } = [];
    }

    /// <summary>What a session marks on a product.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 16)]
    internal struct ItemMark
    {
        /// <summary>The session must not show the product (bought, or an anchor) when this equals <see cref="Scratch.Session"/>.</summary>
        public int Excluded;

        /// <summary>The stamp of the list being built that holds the product (see <see cref="Scratch.NextStamp"/>).</summary>
        public int Stamp;

        /// <summary>Where that list holds it.</summary>
        public int Index;

        /// <summary>The week in which the product is listed (−1: before the first, the number of weeks: after the last).</summary>
        public int ListedWeek;
    }

    /// <summary>Per-worker working memory, reused from session to session.</summary>
    internal sealed class Scratch
    {
        private float[] _noise = new float[256];
        private float[] _scores = new float[256];
        private ulong[] _skip = new ulong[2];
        private readonly bool[] _shown;
        private int _stamp;

        public Scratch(ReadOnlySpan<int> listedWeeks, int slateSize, int maxCandidates)
        {
            Marks = new ItemMark[listedWeeks.Length];
            for (int i = 0; i < Marks.Length; i++)
            {
                Marks[i].ListedWeek = listedWeeks[i];
            }

            int locals = 2 * slateSize; // both lists, at most
            LocalItems = new int[locals];
            LocalInterest = new float[locals];
            LocalLike = new float[locals];
            LocalPurchase = new float[locals];
            LocalAttributes = new ulong[locals];
            LocalCfSlot = new int[locals];
            _shown = new bool[locals];
            CfLocal = new int[slateSize];
            ImageLocal = new int[slateSize];
            SlateLocal = new int[slateSize];
            SlateAttributes = new ulong[slateSize];
            Candidates = new int[maxCandidates];
            CandidateScores = new float[maxCandidates + 1];
            CfList = new int[slateSize];
            CfSlots = new int[slateSize];
            ImageList = new int[slateSize];
            Slate = new int[slateSize];
            Sources = new RecType[slateSize];
            Top = new TopK(slateSize);
        }

        public List<long> Times { get; } = [];

        /// <summary>Per product, what a session marks on it, side by side so that one cache line holds them.</summary>
        public ItemMark[] Marks { get; }

        public int[] Candidates { get; }

        public float[] CandidateScores { get; }

        public int[] CfList { get; }

        /// <summary>Where each product of <see cref="CfList"/> is in the candidate list it came from.</summary>
        public int[] CfSlots { get; }

        public int[] ImageList { get; }

        public int[] Slate { get; }

        public RecType[] Sources { get; }

        public TopK Top { get; }

        public int NextStamp() => ++_stamp;

        public int Session { get; private set; }

        /// <summary>The session's candidate products (both lists, deduplicated) by local index; what the slates need follows.</summary>
        public int[] LocalItems { get; }

        public float[] LocalInterest { get; }

        public float[] LocalLike { get; }

        public float[] LocalPurchase { get; }

        /// <summary>Per local product: its <see cref="World.Attributes"/>, for satiation.</summary>
        public ulong[] LocalAttributes { get; }

        /// <summary>Per local product: its slot in the user's CF candidates (whose interest the user state caches), or −1.</summary>
        public int[] LocalCfSlot { get; }

        /// <summary>The user state's interest cache for this session's CF candidates, if the CF list came from them.</summary>
        public float[]? CfInterest { get; set; }

        /// <summary>The local index of each product of <see cref="CfList"/>.</summary>
        public int[] CfLocal { get; }

        /// <summary>The local index of each product of <see cref="ImageList"/>.</summary>
        public int[] ImageLocal { get; }

        /// <summary>Per local product, whether the slate being assembled shows it already; cleared.</summary>
        public Span<bool> Shown(int locals)
        {
            var shown = _shown.AsSpan(0, locals);
            shown.Clear();
            return shown;
        }

        public int[] SlateLocal { get; }

        /// <summary>Per slate position: its product's <see cref="World.Attributes"/>.</summary>
        public ulong[] SlateAttributes { get; }

        /// <summary>Starts a session: everything the user bought is excluded.</summary>
        public void Exclude(UserState state)
        {
            Session = ++_stamp;
            foreach (int item in state.Bought)
            {
                Marks[item].Excluded = Session;
            }
        }

        /// <summary>A bit per candidate, all clear: the candidates a session must skip.</summary>
        public Span<ulong> Skip(int candidates)
        {
            int words = (candidates + 63) / 64;
            if (_skip.Length < words)
            {
                _skip = new ulong[words];
            }

            var skip = _skip.AsSpan(0, words);
            skip.Clear();
            return skip;
        }

        /// <summary>A buffer of at least <paramref name="count"/> floats, a multiple of 16 long.</summary>
        public Span<float> Noise(int count) => Buffer(ref _noise, count);

        /// <summary>A second such buffer, for the noisy scores.</summary>
        public Span<float> Scores(int count) => Buffer(ref _scores, count);

        private static Span<float> Buffer(ref float[] buffer, int count)
        {
            int length = Math.Max(16, (count + 15) / 16 * 16);
            if (buffer.Length < length)
            {
                buffer = new float[length];
            }

            return buffer.AsSpan(0, length);
        }
    }
}

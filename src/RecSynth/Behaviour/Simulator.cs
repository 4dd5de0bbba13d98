using System.Collections.Immutable;
using RecSynth.Configuration;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

/// <summary>
/// Simulates sessions (docs/design.md §4): the policy chooses an arm, the two sources fill the slate, the user examines
/// it top-down (a cascade with position bias) and views, likes and buys. Every draw comes from the session's own stream
/// (seed, session id), so a user's history does not depend on other users, threads or shards.
/// </summary>
internal sealed partial class Simulator
{
    public const long SessionsPerUser = 10_000_000; // session id = user × this + the user's session number
    private const long Day = 86_400;

    private readonly World _world;
    private readonly BehaviourOptions _options;
    private readonly ResponseOptions _response;
    private readonly bool _tracksViews; // revisit ≠ 1: each user's viewed products are kept
    private readonly ulong _seed;
    private readonly double[] _examine; // P(examine position p), 1-based, with _examine[K + 1] = 0
    private readonly bool[] _imagePositions; // see ImagePositions
    private readonly long[] _listedAt; // per item, packed for the masks of the sources
    private readonly int[] _listedWeek; // per item: the week of its listing (see ItemMark.ListedWeek)
    private readonly long[] _popularListedAt; // per slot of CF's popular list
    private readonly int[] _popularSlot; // per item: its slot in CF's popular list, or -1
    private readonly ProductRows _products; // per product, what the response reads about it, in one cache line
    private readonly double[] _satiationFactor; // [65]: by shared attributes (ItemAttributes.Match), then for nothing above

    /// <summary>Builds the sources; <paramref name="progress"/> hears of the CF pools, then the image index and neighbour lists.</summary>
    public Simulator(World world, BehaviourOptions options, ulong seed, ParallelOptions parallel, IProgress<SimulationProgress>? progress = null)
    {
        _world = world;
        _options = options;
        _response = options.Response;
        _tracksViews = _response.Revisit != 1;
        _seed = seed;
        Schedule = new SessionSchedule(options.Sessions, world.Options.Time.StartSeconds, world.Options.Time.EndSeconds, seed);
        Cf = world.CfSource(options.Cf, parallel, progress);
        Image = world.ImageSource(options.Image, seed, parallel, progress);
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
        _satiationFactor = [.. Enumerable.Range(0, ItemAttributes.MatchCount).Select(match => SatiationFactor(world.SimilarityOf(match))), SatiationFactor(0)];
        _listedAt = [.. world.Items.Select(i => i.ListedAt)];
        long periodStart = world.Options.Time.StartSeconds;
        _listedWeek = [.. _listedAt.Select(t => ListedWeek(t, periodStart, Schedule.Weeks))];
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
        _products = new ProductRows(n);
        for (int i = 0; i < n; i++)
        {
            var row = _products.Row(i);
            for (int sensitivity = 0; sensitivity < 3; sensitivity++)
            {
                row[ProductRows.Purchase + sensitivity] = (float)(r.PurchaseScale * Math.Exp(-r.PurchasePricePenalty[sensitivity] * logPrice[i]));
                for (int focus = 0; focus < 3; focus++)
                {
                    row[ProductRows.Interest + sensitivity * 3 + focus] = (float)(
                        r.InterestBias + r.Popularity * world.ZPopularity[i] - r.PricePenalty[sensitivity] * logPrice[i] + r.Sustainability[focus] * conditionAppeal[i]);
                }
            }

            _products.SetAttributes(i, world.Attributes[i]);
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
    public void RunWeek(
        int user, int week, UserState state, Simulation.ISessionPolicy policy, Scratch scratch, Output output, GroundTruth? truth, long from = long.MinValue, long to = long.MaxValue,
        List<long>? times = null)
    {
        ref readonly var person = ref _world.User(user);
        if (times is null)
        {
            scratch.Times.Clear();
            Schedule.Sessions(person, week, scratch.Times);
            times = scratch.Times;
        }

        // A step policy in slate mode hands over each session's slate: known once per call, not per session.
        var slates = policy is Simulation.SteppedPolicy { Mode: Simulation.StepMode.Slate } stepped ? stepped : null;
        foreach (long start in times)
        {
            if (start < from || start >= to)
            {
                continue;
            }

            long sessionId = user * SessionsPerUser + state.Sessions;
            state.Sessions++;
            var random = new EntityRandom(_seed, RandomStream.SessionDraws, sessionId);
            var policyRandom = new Simulation.PolicyRandom(_seed, sessionId);
            // A slate given from outside (slate mode) is served as it is; the generator's own lists are then made only for the truth.
            ImmutableArray<Simulation.SlateEntry> given = default;
            Simulation.ArmChoice choice;
            Arm? namedArm = null;
            if (slates is not null)
            {
                var taken = slates.Take(user);
                (choice, given, namedArm) = (taken.Choice, taken.Given.Slate, taken.Given.Arm);
            }
            else
            {
                choice = policy.Choose(user, ref policyRandom);
            }

            var (arm, propensity) = choice;
            bool outside = !given.IsDefault;
            ulong cfKey = random.NextUInt64();
            ulong imageKey = random.NextUInt64();
            // Drawn whether or not the ground truth is computed, so that the sessions do not depend on it (evaluate
            // re-simulates a log with the truth of every session).
            double truthDraw = random.NextDouble();
            bool truthWanted = truth is not null && truthDraw < TruthShare(person);
            bool imageWanted = (!outside && arm.Blend > 0) || truthWanted;
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
            int cfCount = (!outside && arm.Blend < 1) || truthWanted ? CfList(person, state, start, cfKey, scratch) : 0;
            int imageCount = imageWanted ? ImageList(person, state, week, start, imageKey, scratch) : 0;
            double cfPreference = person.DriftAt is long driftAt && start >= driftAt ? person.CfPreferenceAfter!.Value : person.CfPreference;
            int locals = Describe(cfCount, imageCount, truthWanted, scratch);
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
                    truth.Add(user, level, Expected(person, state, cfPreference, size, scratch));
                }
            }

            int slateSize;
            if (outside)
            {
                (slateSize, double served) = Serve(given, locals, scratch);
                arm = namedArm ?? new Arm(served); // the policy's arm when it names one; else the blend it served
            }
            else
            {
                slateSize = Assemble(arm.Blend, cfCount, imageCount, scratch);
            }

            if (!truthWanted)
            {
                // Most sessions examine the top few positions only.
                for (int p = 0; p < Math.Min(slateSize, 3); p++)
                {
                    PrefetchLocal(scratch.SlateLocal[p], scratch);
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

    /// <summary>
    /// The week in which a product listed at <paramref name="listedAt"/> is listed: −1 before the period's first week,
    /// <paramref name="weeks"/> after its last (see <see cref="ItemMark.ListedWeek"/>).
    /// </summary>
    internal static int ListedWeek(long listedAt, long periodStart, int weeks) =>
        listedAt < periodStart ? -1 : (int)Math.Min(weeks, (listedAt - periodStart) / SessionSchedule.Week);

    /// <summary>The share of a user's sessions the ground truth samples: about ground_truth_sessions of the expected count.</summary>
    private double TruthShare(in User user)
    {
        int wanted = _options.GroundTruthSessions;
        double expected = user.Activity * Schedule.Weeks;
        return wanted == 0 || expected <= wanted ? 1 : wanted / expected;
    }
}

using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

internal sealed partial class Simulator
{
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
        ReadOnlySpan<int> items;
        ReadOnlySpan<float> scores;
        Span<ulong> skip;
        if (Learned is { } model)
        {
            var (modelItems, modelScores) = warm && model.Knows(user.Index) ? model.Candidates(user.Index) : model.Popular;
            items = modelItems;
            scores = modelScores;
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
                var found = Cf.Candidates(user.Index, scratch.CfSearch ??= Cf.NewSearch());
                scratch.CfStore ??= new CfCandidates.Store(_options.Cf.Candidates, CfCandidates.Store.UsersPerBlock(_world.UserCount, _options.Cf.Candidates));
                state.Cf = Cf.Keep(found.IndexSpan, found.ScoreSpan, state.Bought, scratch.CfStore);
            }

            var kept = state.Cf;
            items = kept.Items(scratch.CfItems(kept.Count));
            scores = kept.Scores;
            skip = scratch.Skip(items.Length);
            kept.Skipped(listedBy, _listedAt, skip);
            (scratch.CfInterest, scratch.CfInterestAt) = (kept.InterestArray, kept.InterestAt);
        }
        else
        {
            var (popularItems, popularScores) = Cf.Popular;
            items = popularItems;
            scores = popularScores;
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

        int count = 0;
        for (int r = 0; r < anchors.Length; r++)
        {
            int anchor = anchors[r];
            ReadOnlySpan<Neighbour> neighbours = External is { } service ? Ranked(service.Similar(anchor, _options.Image.Neighbours)) : Image.Neighbours(anchor);
            float weight = (float)(1 - r * Image.RecencyDiscount);
            count = MergeNeighbours(neighbours, weight, count, stamp, week, now, _listedAt, scratch);
        }

        var noise = scratch.Noise(count);
        GaussianKernel.Fill(noise, (uint)key, (uint)(key >> 32));
        var noisy = scratch.Scores(count);
        Noisy(scratch.CandidateScores.AsSpan(0, count), noise, (float)Image.Noise, noisy);
        var top = scratch.Top.Reset();
        top.OfferAll(noisy, scratch.Candidates.AsSpan(0, count));
        return top.CopyTo(scratch.ImageList);
    }

    /// <summary>
    /// Adds an anchor's neighbours to the first <paramref name="count"/> of the scratch's image candidates (those of the
    /// anchors before it, merged under the same <paramref name="stamp"/>), and returns the new count. The candidates
    /// stay in order of first appearance, each with its best weighted similarity; a product the session excludes, or
    /// not listed by <paramref name="now"/> (in <paramref name="week"/>), is skipped. ImageMergeTests holds the plain
    /// version and checks that the two agree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int MergeNeighbours(
        ReadOnlySpan<Neighbour> neighbours, float weight, int count, int stamp, int week, long now, ReadOnlySpan<long> listedAt, Scratch scratch)
    {
        if ((uint)count + (uint)neighbours.Length > (uint)scratch.Candidates.Length)
        {
            throw new InvalidOperationException("more image candidates than the scratch holds");
        }

        // Without branches on whether a product was seen or must be skipped: the next free slot's score is kept at −∞,
        // so that a new product takes max(−∞, score), and a skipped one goes to that slot with −∞ (and is overwritten
        // by the next new product).
        var marks = scratch.Marks;
        int session = scratch.Session;
        ref int candidates = ref MemoryMarshal.GetArrayDataReference(scratch.Candidates);
        ref float scores = ref MemoryMarshal.GetArrayDataReference(scratch.CandidateScores);
        Unsafe.Add(ref scores, count) = float.NegativeInfinity;
        foreach (var (item, similarity) in neighbours)
        {
            ref var mark = ref marks[item];
            // Listed before this week, after it, or (rarely) during it: then by the second.
            bool unlisted = mark.ListedWeek > week || (mark.ListedWeek == week && listedAt[item] > now);
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

        return count;
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
            scratch.Sources[size] = fromImage ? RecType.Image : RecType.Cf;
            size++;
        }

        return size;
    }

    /// <summary>
    /// A slate given from outside, served as it is: each product gets a local index (the one the session's lists gave it,
    /// or a new one), and the served blend is the share of image products among the CF and image ones (0 without any).
    /// </summary>
    private static (int Size, double Served) Serve(ImmutableArray<Simulation.SlateEntry> slate, int locals, Scratch scratch)
    {
        int cf = 0, image = 0;
        for (int p = 0; p < slate.Length; p++)
        {
            var (item, source) = slate[p];
            int local = LocalOf(item, ref locals, cfSlot: -1, scratch);

            scratch.Slate[p] = item;
            scratch.SlateLocal[p] = local;
            scratch.Sources[p] = source;
            cf += source == RecType.Cf ? 1 : 0;
            image += source == RecType.Image ? 1 : 0;
        }

        return (slate.Length, cf + image == 0 ? 0 : image / (double)(cf + image));
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

    /// <summary>
    /// Gives the session's candidate products (both lists, deduplicated) local indices. What the slates need about
    /// them (interest, like and purchase probabilities, attributes) is read when a slate first needs it: a session
    /// that does not sample the ground truth examines three or four positions of one slate, so the rows of the other
    /// products are never brought in (each is a cache miss at the large preset). For the truth, which examines every
    /// product, all their rows are asked for at once.
    /// </summary>
    private int Describe(int cfCount, int imageCount, bool truth, Scratch scratch)
    {
        int n = 0;
        for (int j = 0; j < cfCount + imageCount; j++)
        {
            bool cf = j < cfCount;
            int item = cf ? scratch.CfList[j] : scratch.ImageList[j - cfCount];
            int local = LocalOf(item, ref n, cf && scratch.CfInterest is not null ? scratch.CfSlots[j] : -1, scratch);
            if (cf)
            {
                scratch.CfLocal[j] = local;
            }
            else
            {
                scratch.ImageLocal[j - cfCount] = local;
            }
        }

        if (truth)
        {
            for (int local = 0; local < n; local++)
            {
                PrefetchLocal(local, scratch);
            }
        }

        return n;
    }

    /// <summary>
    /// The session's local index of <paramref name="item"/>: the one it has among the first <paramref name="n"/>, or
    /// the next one, <paramref name="n"/>, with its interest still to be computed. A session has a few dozen local
    /// products at most, so they are searched, not looked up in a table by product.
    /// </summary>
    private static int LocalOf(int item, ref int n, int cfSlot, Scratch scratch)
    {
        int local = scratch.LocalItems.AsSpan(0, n).IndexOf(item);
        if (local >= 0)
        {
            return local;
        }

        local = n++;
        scratch.LocalItems[local] = item;
        scratch.LocalCfSlot[local] = cfSlot;
        scratch.LocalInterest[local] = float.NaN;
        return local;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>
/// The <c>builtin</c> CF recommender of the closed loop: an implicit-feedback matrix factorisation (alternating least
/// squares with confidence weights, Hu, Koren and Volinsky 2008) trained on the simulated log only — never on the
/// hidden factors. Feedback is recorded as it happens (view 1, like 3, purchase 5, summed per user and product);
/// after each simulated day one warm-started ALS sweep updates the user factors, then the product factors, each row by
/// a few conjugate-gradient steps on its normal equations. A user's candidates are the top of x_u · y_i over the
/// products with the most feedback (20 × the candidates), recomputed for a user's first session after a retraining; a
/// user with no feedback yet gets the products most interacted with so far. Arithmetic is in single precision, eight
/// lanes at a time (the Gram matrices are summed in double precision), and every sum is taken in a fixed order, so
/// the bits do not depend on the machine or the thread count.
/// </summary>
internal sealed class LearnedCf
{
    private const int Factors = 16; // two vectors of eight floats
    private const float Alpha = 10; // confidence per unit of feedback weight
    private const float Lambda = 0.1f;
    private const int ConjugateSteps = 3;
    private const int PoolFactor = 20;
    private const int GramBlock = 1024; // rows of a Gram matrix summed in single precision before the double-precision sum
    private readonly int _users;
    private readonly int _items;
    private readonly int _candidates;
    private readonly float[] _x; // [users, F]
    private readonly float[] _y; // [items, F]
    private readonly Row[] _feedback; // per user: products (sorted) and summed weights
    private readonly bool[] _changed; // per user: feedback since the last retraining
    private readonly bool[] _trained; // per user: has factors from a retraining
    private readonly (int[] Items, float[] Scores)?[] _cache;
    private readonly int[] _cacheVersion;
    private readonly Column?[] _columns; // per product: its users' feedback, in the order it reached the model
    private int _version;
    private (int[] Items, float[] Scores) _popular;
    private int[] _pool = []; // the products a user's candidates are ranked from: those with the most feedback
    private float[] _poolFactors = []; // [F, stride]: factor f of the pool's j-th product at f · stride + j
    private int _poolStride;

    [ThreadStatic]
    private static CandidateScratch? t_scratch;

    public LearnedCf(int users, int items, int candidates, ulong seed)
    {
        _users = users;
        _items = items;
        _candidates = Math.Min(candidates, items);
        _x = new float[users * Factors];
        _y = new float[items * Factors];
        _feedback = new Row[users];
        _changed = new bool[users];
        _trained = new bool[users];
        _cache = new (int[], float[])?[users];
        _cacheVersion = new int[users];
        _columns = new Column?[items];

        // Small random product factors to break the symmetry; users start at zero (they have no feedback).
        for (int i = 0; i < items; i++)
        {
            var random = new EntityRandom(seed, RandomStream.LearnedFactors, i);
            for (int f = 0; f < Factors; f++)
            {
                _y[i * Factors + f] = (float)(0.01 * random.NextNormal());
            }
        }

        _popular = ([.. Enumerable.Range(0, _candidates)], new float[_candidates]);
    }

    /// <summary>Records feedback of a session of <paramref name="user"/> (the user's thread only).</summary>
    public void Record(int user, int item, FeedbackType type)
    {
        (_feedback[user] ??= new Row()).Add(item, type switch { FeedbackType.View => 1f, FeedbackType.Like => 3f, _ => 5f });
        _changed[user] = true;
    }

    /// <summary>Whether a retraining has given the user factors (else CF serves the popular products).</summary>
    public bool Knows(int user) => _trained[user];

    /// <summary>The popular products so far (most interacted with), with scores 0.</summary>
    public (int[] Items, float[] Scores) Popular => _popular;

    /// <summary>
    /// The products candidates are ranked from: the most interacted with (ties to the lower product), the
    /// <see cref="Popular"/> ones first, otherwise in no particular order.
    /// </summary>
    internal IReadOnlyList<int> Pool => _pool;

    /// <summary>How many users have given feedback on <paramref name="item"/>.</summary>
    internal int UsersOf(int item) => _columns[item]?.Count ?? 0;

    /// <summary>
    /// The model's score of <paramref name="item"/> for <paramref name="user"/>, with the bits of the candidates' scores
    /// (the factors' products added in factor order).
    /// </summary>
    internal float Score(int user, int item)
    {
        float sum = _x[user * Factors] * _y[item * Factors];
        for (int f = 1; f < Factors; f++)
        {
            sum += _x[user * Factors + f] * _y[item * Factors + f];
        }

        return sum;
    }

    /// <summary>
    /// The user's candidates under the current model: the pool's best by score, ties to the lower product, in no
    /// particular order (a session ranks them by score and product anyway); cached until the next retraining, the user's
    /// thread only. The pool's scores are computed eight products at a time from the pool's factors stored factor by
    /// factor, then the best are selected.
    /// </summary>
    public (int[] Items, float[] Scores) Candidates(int user)
    {
        if (_cache[user] is { } cached && _cacheVersion[user] == _version)
        {
            return cached;
        }

        int n = _pool.Length;
        if (n == 0)
        {
            return _popular;
        }

        var scratch = t_scratch ??= new CandidateScratch();
        var scores = scratch.Scores(_poolStride);
        Span<Vector256<float>> x = stackalloc Vector256<float>[Factors];
        for (int f = 0; f < Factors; f++)
        {
            x[f] = Vector256.Create(_x[user * Factors + f]);
        }

        ref float factors = ref MemoryMarshal.GetArrayDataReference(_poolFactors);
        for (int j = 0; j < _poolStride; j += 8)
        {
            var sum = x[0] * Vector256.LoadUnsafe(ref factors, (nuint)j);
            for (int f = 1; f < Factors; f++)
            {
                sum += x[f] * Vector256.LoadUnsafe(ref factors, (nuint)(f * _poolStride + j));
            }

            sum.CopyTo(scores[j..]);
        }

        var best = scratch.Keys(n);
        int found = Best(scores, _pool, _candidates, scratch.Buckets(_poolStride), best);
        best = best[..found];
        SelectSmallest(best, _candidates);
        var (items, top) = _cache[user] ?? (new int[_candidates], new float[_candidates]);
        for (int j = 0; j < items.Length; j++)
        {
            (items[j], top[j]) = FromRankKey(best[j]);
        }

        _cache[user] = (items, top);
        _cacheVersion[user] = _version;
        return (items, top);
    }

    /// <summary>
    /// One ALS sweep, runs alone between simulated days: the users with new feedback, then every product with feedback
    /// (the users who were quiet keep their factors: their data did not change, the products' only a little), or every
    /// user with feedback when <paramref name="everyone"/>.
    /// </summary>
    public void Retrain(ParallelOptions parallel, bool everyone = false)
    {
        int[] users = [.. Enumerable.Range(0, _users).Where(u => _changed[u] || (everyone && _feedback[u] is not null))];
        if (users.Length == 0)
        {
            return;
        }

        Solve(_x, _y, users, new UserRows(_feedback), parallel);
        foreach (int u in users)
        {
            _changed[u] = false;
            _trained[u] = true;
        }

        Transpose(users);
        int[] products = [.. Enumerable.Range(0, _items).Where(i => _columns[i] is not null)];
        Solve(_y, _x, products, new ColumnRows(_columns), parallel);

        // Two-stage retrieval, as serving systems do: the pool is the products with the most feedback (ties to the
        // lower product), and a user's candidates are ranked from it by the model (a product nobody has touched has
        // no learned factors anyway).
        var keys = new ulong[_items];
        for (int i = 0; i < _items; i++)
        {
            keys[i] = ((ulong)~(uint)(_columns[i]?.Count ?? 0) << 32) | (uint)i;
        }

        int size = Math.Min(_items, PoolFactor * _candidates);
        SelectSmallest(keys, size);
        SelectSmallest(keys.AsSpan(0, size), _candidates); // the popular ones first; no order is needed beyond that
        _pool = [.. keys.Take(size).Select(key => (int)(uint)key)];
        _popular = (_pool[.._candidates], new float[_candidates]);

        _poolStride = (size + 7) & ~7;
        if (_poolFactors.Length != Factors * _poolStride)
        {
            _poolFactors = new float[Factors * _poolStride];
        }

        for (int j = 0; j < size; j++)
        {
            for (int f = 0; f < Factors; f++)
            {
                _poolFactors[f * _poolStride + j] = _y[_pool[j] * Factors + f];
            }
        }

        _version++;
    }

    /// <summary>
    /// Brings the transposed feedback (products × users) up to date with the rows of <paramref name="users"/> (in
    /// ascending order): an entry new since the last retraining is appended to its product's column, which gives each
    /// column a fixed order (by retraining, then user); a known one has its weight updated in its slot.
    /// </summary>
    private void Transpose(int[] users)
    {
        foreach (int u in users)
        {
            var row = _feedback[u];
            for (int k = 0; k < row.Count; k++)
            {
                int item = row.Items[k];
                var column = _columns[item] ??= new Column();
                if (row.Slots[k] < 0)
                {
                    row.Slots[k] = column.Add(u, row.Weights[k]);
                }
                else
                {
                    column.Weights[row.Slots[k]] = row.Weights[k];
                }
            }
        }
    }

    /// <summary>
    /// Writes the rank keys of a superset of the <paramref name="k"/> best (score, product) pairs (the scores padded to
    /// a multiple of eight) to
    /// <paramref name="keys"/> and returns how many: the scores are put in 256 buckets of equal width between their
    /// least and greatest (a bucket never decreases with the score), and every pair in the buckets from the top down
    /// to the one that holds the k-th best is kept.
    /// </summary>
    private static int Best(ReadOnlySpan<float> padded, ReadOnlySpan<int> items, int k, Span<int> buckets, Span<ulong> keys)
    {
        var scores = padded[..items.Length];
        int whole = scores.Length & ~7;
        var least8 = Vector256.Create(float.PositiveInfinity);
        var greatest8 = Vector256.Create(float.NegativeInfinity);
        for (int j = 0; j < whole; j += 8)
        {
            var block = Vector256.Create(scores[j..]);
            least8 = Vector256.Min(least8, block);
            greatest8 = Vector256.Max(greatest8, block);
        }

        float least = float.PositiveInfinity;
        float greatest = float.NegativeInfinity;
        for (int lane = 0; lane < 8; lane++)
        {
            least = MathF.Min(least, least8.GetElement(lane));
            greatest = MathF.Max(greatest, greatest8.GetElement(lane));
        }

        for (int j = whole; j < scores.Length; j++)
        {
            least = MathF.Min(least, scores[j]);
            greatest = MathF.Max(greatest, scores[j]);
        }

        float scale = 255f / (greatest - least);
        if (!float.IsFinite(scale) || !float.IsFinite(least))
        {
            for (int j = 0; j < scores.Length; j++)
            {
                keys[j] = RankKey(scores[j], items[j]);
            }

            return scores.Length;
        }

        // Each score's bucket, eight at a time (the last block reads the padding beyond the scores: its buckets are unused).
        var from = Vector256.Create(least);
        var times = Vector256.Create(scale);
        var top = Vector256.Create(256);
        for (int j = 0; j < scores.Length; j += 8)
        {
            Vector256.Min(Vector256.ConvertToInt32((Vector256.Create(padded.Slice(j, 8)) - from) * times), top).CopyTo(buckets[j..]);
        }

        // Counted into four histograms in turn (neighbouring scores often share a bucket, and one histogram would make
        // each increment wait for the last), then added up.
        Span<int> counts = stackalloc int[4 * 257];
        counts.Clear();
        int j4 = 0;
        for (; j4 + 4 <= scores.Length; j4 += 4)
        {
            counts[buckets[j4]]++;
            counts[257 + buckets[j4 + 1]]++;
            counts[514 + buckets[j4 + 2]]++;
            counts[771 + buckets[j4 + 3]]++;
        }

        for (; j4 < scores.Length; j4++)
        {
            counts[buckets[j4]]++;
        }

        for (int b = 0; b < 257; b++)
        {
            counts[b] += counts[257 + b] + counts[514 + b] + counts[771 + b];
        }

        counts = counts[..257];

        int boundary = counts.Length;
        for (int seen = 0; seen < k;)
        {
            seen += counts[--boundary];
        }

        // The kept ones, eight buckets at a time: most blocks hold none (the padding's buckets are left out by the mask).
        int kept = 0;
        var lowest = Vector256.Create(boundary);
        for (int j = 0; j < scores.Length; j += 8)
        {
            uint mask = Vector256.GreaterThanOrEqual(Vector256.Create<int>(buckets.Slice(j, 8)), lowest).ExtractMostSignificantBits();
            mask &= scores.Length - j >= 8 ? 0xFFu : (1u << (scores.Length - j)) - 1;
            for (; mask != 0; mask &= mask - 1)
            {
                int at = j + System.Numerics.BitOperations.TrailingZeroCount(mask);
                keys[kept++] = RankKey(scores[at], items[at]);
            }
        }

        return kept;
    }

    /// <summary>A thread's buffers for ranking a user's candidates.</summary>
    private sealed class CandidateScratch
    {
        private float[] _scores = [];
        private ulong[] _keys = [];
        private int[] _buckets = [];

        public Span<float> Scores(int length) => (_scores.Length >= length ? _scores : _scores = new float[length]).AsSpan(0, length);

        public Span<ulong> Keys(int length) => (_keys.Length >= length ? _keys : _keys = new ulong[length]).AsSpan(0, length);

        public Span<int> Buckets(int length) => (_buckets.Length >= length ? _buckets : _buckets = new int[length]).AsSpan(0, length);
    }

    /// <summary>
    /// The key that orders (score, product) best first, ties to the lower product: the score's bits made to order as
    /// unsigned integers, inverted, above the product.
    /// </summary>
    private static ulong RankKey(float score, int item)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score + 0f); // −0 as +0: they tie
        uint ordered = bits ^ ((uint)((int)bits >> 31) | 0x8000_0000); // negative: all bits flipped; else the sign bit set
        return ((ulong)~ordered << 32) | (uint)item;
    }

    private static (int Item, float Score) FromRankKey(ulong key)
    {
        uint ordered = ~(uint)(key >> 32);
        uint bits = (ordered & 0x8000_0000) != 0 ? ordered & 0x7FFF_FFFF : ~ordered;
        return ((int)(uint)key, BitConverter.UInt32BitsToSingle(bits));
    }

    /// <summary>
    /// Moves the <paramref name="k"/> smallest of distinct keys to the front, in no order (quickselect: each pass
    /// partitions around the median of three and goes on in the part that holds the k-th).
    /// </summary>
    internal static void SelectSmallest(Span<ulong> keys, int k)
    {
        int lo = 0;
        int hi = keys.Length - 1;
        int target = k - 1;
        while (lo < hi && target >= lo && target <= hi)
        {
            var (below, above) = Partition(keys[lo..(hi + 1)]);
            if (target <= lo + below)
            {
                hi = lo + below;
            }
            else if (target >= lo + above)
            {
                lo += above;
            }
            else
            {
                return; // the pivot itself, in its place
            }
        }
    }

    /// <summary>
    /// Partitions distinct keys around the median of the first, middle and last: afterwards keys[..(below + 1)] ≤ pivot
    /// ≤ keys[above..], and anything between is the pivot in its place.
    /// </summary>
    private static (int Below, int Above) Partition(Span<ulong> keys)
    {
        int last = keys.Length - 1;
        int mid = last >> 1;
        if (keys[mid] < keys[0])
        {
            (keys[mid], keys[0]) = (keys[0], keys[mid]);
        }

        if (keys[last] < keys[0])
        {
            (keys[last], keys[0]) = (keys[0], keys[last]);
        }

        if (keys[last] < keys[mid])
        {
            (keys[last], keys[mid]) = (keys[mid], keys[last]);
        }

        ulong pivot = keys[mid];
        int i = 0;
        int j = last;
        while (i <= j)
        {
            while (keys[i] < pivot)
            {
                i++;
            }

            while (keys[j] > pivot)
            {
                j--;
            }

            if (i <= j)
            {
                (keys[i], keys[j]) = (keys[j], keys[i]);
                i++;
                j--;
            }
        }

        return (j, i);
    }

    /// <summary>A user's feedback: products in ascending order with their summed weights and their slots in the columns.</summary>
    private sealed class Row
    {
        public int[] Items = new int[8];
        public float[] Weights = new float[8];
        public int[] Slots = new int[8]; // −1 until the entry is in its product's column
        public int Count;

        public void Add(int item, float weight)
        {
            int at = Array.BinarySearch(Items, 0, Count, item);
            if (at >= 0)
            {
                Weights[at] += weight;
                return;
            }

            at = ~at;
            if (Count == Items.Length)
            {
                Array.Resize(ref Items, Count * 2);
                Array.Resize(ref Weights, Count * 2);
                Array.Resize(ref Slots, Count * 2);
            }

            Array.Copy(Items, at, Items, at + 1, Count - at);
            Array.Copy(Weights, at, Weights, at + 1, Count - at);
            Array.Copy(Slots, at, Slots, at + 1, Count - at);
            Items[at] = item;
            Weights[at] = weight;
            Slots[at] = -1;
            Count++;
        }
    }

    /// <summary>A product's feedback: its users and their summed weights.</summary>
    private sealed class Column
    {
        public int[] Users = new int[4];
        public float[] Weights = new float[4];
        public int Count;

        /// <summary>Appends an entry and returns its slot.</summary>
        public int Add(int user, float weight)
        {
            if (Count == Users.Length)
            {
                Array.Resize(ref Users, Count * 2);
                Array.Resize(ref Weights, Count * 2);
            }

            Users[Count] = user;
            Weights[Count] = weight;
            return Count++;
        }
    }

    /// <summary>The rows a sweep solves: their entries' indices on the other side, and the entries' weights.</summary>
    private interface IRows
    {
        ReadOnlySpan<int> Indices(int row);

        ReadOnlySpan<float> Weights(int row);
    }

    private readonly struct UserRows(Row[] rows) : IRows
    {
        public ReadOnlySpan<int> Indices(int row) => rows[row].Items.AsSpan(0, rows[row].Count);

        public ReadOnlySpan<float> Weights(int row) => rows[row].Weights.AsSpan(0, rows[row].Count);
    }

    private readonly struct ColumnRows(Column?[] columns) : IRows
    {
        public ReadOnlySpan<int> Indices(int row) => columns[row]!.Users.AsSpan(0, columns[row]!.Count);

        public ReadOnlySpan<float> Weights(int row) => columns[row]!.Weights.AsSpan(0, columns[row]!.Count);
    }

    /// <summary>Updates every row of <paramref name="target"/> that has feedback, given the other side's factors.</summary>
    private static void Solve<TRows>(float[] target, float[] other, int[] which, TRows rows, ParallelOptions parallel)
        where TRows : struct, IRows
    {
        // OᵀO + λI, shared by every row: each block of rows summed in single precision (in parallel), the blocks' sums
        // added in double precision in block order (the same bits on any thread count), then kept as rows of two vectors.
        int otherCount = other.Length / Factors;
        int blocks = (otherCount + GramBlock - 1) / GramBlock;
        var partial = new Vector256<float>[blocks * 2 * Factors];
        Parallel.For(0, blocks, parallel, block =>
        {
            var part = partial.AsSpan(block * 2 * Factors, 2 * Factors);
            ref float o = ref MemoryMarshal.GetArrayDataReference(other);
            for (int j = block * GramBlock; j < Math.Min(otherCount, (block + 1) * GramBlock); j++)
            {
                var lo = Vector256.LoadUnsafe(ref o, (nuint)(j * Factors));
                var hi = Vector256.LoadUnsafe(ref o, (nuint)(j * Factors + 8));
                for (int a = 0; a < Factors; a++)
                {
                    var va = Vector256.Create(Unsafe.Add(ref o, j * Factors + a));
                    part[2 * a] += va * lo;
                    part[2 * a + 1] += va * hi;
                }
            }
        });

        Span<Vector256<double>> sums = stackalloc Vector256<double>[Factors * 4];
        sums.Clear();
        for (int block = 0; block < blocks; block++)
        {
            for (int h = 0; h < 2 * Factors; h++)
            {
                var (lower, upper) = Vector256.Widen(partial[block * 2 * Factors + h]);
                sums[2 * h] += lower;
                sums[2 * h + 1] += upper;
            }
        }

        var gram = new Vector256<float>[2 * Factors];
        for (int a = 0; a < Factors; a++)
        {
            gram[2 * a] = Vector256.Narrow(sums[4 * a], sums[4 * a + 1]);
            gram[2 * a + 1] = Vector256.Narrow(sums[4 * a + 2], sums[4 * a + 3]);
            ref var half = ref gram[2 * a + a / 8]; // λ on the diagonal: lane a % 8 of the row's half that holds column a
            half = half.WithElement(a % 8, half.GetElement(a % 8) + Lambda);
        }

        Parallel.For(0, which.Length, parallel, w =>
        {
            int r = which[w];
            var items = rows.Indices(r);
            var weights = rows.Weights(r);

            // Conjugate gradient on (OᵀC O + λI) x = Oᵀ C p, with C = 1 + α·weight on the observed entries, p = 1 there.
            var x0 = Vector256.Create<float>(target.AsSpan(r * Factors, 8));
            var x1 = Vector256.Create<float>(target.AsSpan(r * Factors + 8, 8));
            var (p0, p1) = Multiply(x0, x1, gram, other, items, weights);
            var (r0, r1) = (-p0, -p1);
            for (int k = 0; k < items.Length; k++)
            {
                var confidence = Vector256.Create(1 + Alpha * weights[k]);
                int at = items[k] * Factors;
                r0 += confidence * Vector256.Create<float>(other.AsSpan(at, 8));
                r1 += confidence * Vector256.Create<float>(other.AsSpan(at + 8, 8));
            }

            var (d0, d1) = (r0, r1);
            float rr = Sum(r0 * r0 + r1 * r1);
            for (int step = 0; step < ConjugateSteps && rr > 1e-12f; step++)
            {
                var (q0, q1) = Multiply(d0, d1, gram, other, items, weights);
                var a = Vector256.Create(rr / Sum(d0 * q0 + d1 * q1));
                x0 += a * d0;
                x1 += a * d1;
                r0 -= a * q0;
                r1 -= a * q1;
                float next = Sum(r0 * r0 + r1 * r1);
                var beta = Vector256.Create(next / rr);
                d0 = r0 + beta * d0;
                d1 = r1 + beta * d1;
                rr = next;
            }

            x0.CopyTo(target.AsSpan(r * Factors, 8));
            x1.CopyTo(target.AsSpan(r * Factors + 8, 8));
        });
    }

    /// <summary>(OᵀO + λI + Oᵀ(C − I)O) · v over the row's observed entries, v in two halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) Multiply(
        Vector256<float> v0, Vector256<float> v1, Vector256<float>[] gram, float[] other, ReadOnlySpan<int> items, ReadOnlySpan<float> weights)
    {
        var p0 = Vector256<float>.Zero;
        var p1 = Vector256<float>.Zero;
        for (int b = 0; b < 8; b++)
        {
            var vb = Vector256.Create(v0.GetElement(b));
            p0 += vb * gram[2 * b];
            p1 += vb * gram[2 * b + 1];
        }

        for (int b = 0; b < 8; b++)
        {
            var vb = Vector256.Create(v1.GetElement(b));
            p0 += vb * gram[2 * (b + 8)];
            p1 += vb * gram[2 * (b + 8) + 1];
        }

        ref float o = ref MemoryMarshal.GetArrayDataReference(other);
        for (int k = 0; k < items.Length; k++)
        {
            nuint at = (nuint)(items[k] * Factors);
            var o0 = Vector256.LoadUnsafe(ref o, at);
            var o1 = Vector256.LoadUnsafe(ref o, at + 8);
            var scale = Vector256.Create(Alpha * weights[k] * Sum(o0 * v0 + o1 * v1));
            p0 += scale * o0;
            p1 += scale * o1;
        }

        return (p0, p1);
    }

    /// <summary>The sum of the eight lanes, in a fixed order (the same bits on every machine).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> v)
    {
        var half = v.GetLower() + v.GetUpper();
        return (half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3));
    }
}

using System.Runtime.InteropServices;
using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>
/// The <c>builtin</c> CF recommender of the closed loop: an implicit-feedback matrix factorisation (alternating least
/// squares with confidence weights, Hu, Koren and Volinsky 2008) trained on the simulated log only — never on the
/// hidden factors. Feedback is recorded as it happens (view 1, like 3, purchase 5, summed per user and product);
/// after each simulated day one warm-started ALS sweep updates the user factors, then the product factors, each row by
/// a few conjugate-gradient steps on its normal equations. A user's candidates are the top of x_u · y_i over the
/// products with the most feedback (20 × the candidates), recomputed for a user's first session after a retraining; a user with no feedback yet gets the products
/// most interacted with so far. Deterministic: fixed row order, fixed sums.
/// </summary>
internal sealed class LearnedCf
{
    private const int Factors = 16;
    private const double Alpha = 10; // confidence per unit of feedback weight
    private const double Lambda = 0.1;
    private const int ConjugateSteps = 3;
    private const int PoolFactor = 20;
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
    private int _version;
    private (int[] Items, float[] Scores) _popular;
    private int[] _pool = []; // the products a user's candidates are ranked from: those with the most feedback

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

    /// <summary>The user's candidates under the current model (cached until the next retraining).</summary>
    public (int[] Items, float[] Scores) Candidates(int user)
    {
        if (_cache[user] is { } cached && _cacheVersion[user] == _version)
        {
            return cached;
        }

        var top = new TopK(_candidates);
        var x = _x.AsSpan(user * Factors, Factors);
        foreach (int i in _pool)
        {
            top.Offer(i, VectorMath.Dot(x, _y.AsSpan(i * Factors, Factors)));
        }

        var list = top.Sorted();
        _cache[user] = list;
        _cacheVersion[user] = _version;
        return list;
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

        Solve(_x, _y, users, u => (_feedback[u].Items[.._feedback[u].Count], _feedback[u].Weights[.._feedback[u].Count]), parallel);
        foreach (int u in users)
        {
            _changed[u] = false;
            _trained[u] = true;
        }

        // The transposed matrix, products × users, in user order.
        var counts = new int[_items];
        for (int u = 0; u < _users; u++)
        {
            if (_feedback[u] is { } row)
            {
                for (int k = 0; k < row.Count; k++)
                {
                    counts[row.Items[k]]++;
                }
            }
        }

        var columnUsers = new int[_items][];
        var columnWeights = new float[_items][];
        var fill = new int[_items];
        for (int i = 0; i < _items; i++)
        {
            columnUsers[i] = new int[counts[i]];
            columnWeights[i] = new float[counts[i]];
        }

        for (int u = 0; u < _users; u++)
        {
            if (_feedback[u] is { } row)
            {
                for (int k = 0; k < row.Count; k++)
                {
                    int i = row.Items[k];
                    columnUsers[i][fill[i]] = u;
                    columnWeights[i][fill[i]++] = row.Weights[k];
                }
            }
        }

        int[] products = [.. Enumerable.Range(0, _items).Where(i => counts[i] > 0)];
        Solve(_y, _x, products, i => (columnUsers[i], columnWeights[i]), parallel);

        // Two-stage retrieval, as serving systems do: the pool is the products with the most feedback, and a user's
        // candidates are ranked from it by the model (a product nobody has touched has no learned factors anyway).
        var pool = new TopK(Math.Min(_items, PoolFactor * _candidates));
        for (int i = 0; i < _items; i++)
        {
            pool.Offer(i, counts[i]);
        }

        _pool = pool.Sorted().Items;
        _popular = (_pool[.._candidates], new float[_candidates]);
        _version++;
    }

    /// <summary>A user's feedback: products in ascending order with their summed weights.</summary>
    private sealed class Row
    {
        public int[] Items = new int[8];
        public float[] Weights = new float[8];
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
            }

            Array.Copy(Items, at, Items, at + 1, Count - at);
            Array.Copy(Weights, at, Weights, at + 1, Count - at);
            Items[at] = item;
            Weights[at] = weight;
            Count++;
        }
    }

    /// <summary>Updates every row of <paramref name="target"/> that has feedback, given the other side's factors.</summary>
    private static void Solve(float[] target, float[] other, int[] which, Func<int, (int[] Items, float[] Weights)> rows, ParallelOptions parallel)
    {
        // Gram matrix of the other side, OᵀO, shared by every row.
        int otherCount = other.Length / Factors;
        var gram = new double[Factors * Factors];
        for (int j = 0; j < otherCount; j++)
        {
            for (int a = 0; a < Factors; a++)
            {
                double va = other[j * Factors + a];
                for (int b = 0; b < Factors; b++)
                {
                    gram[a * Factors + b] += va * other[j * Factors + b];
                }
            }
        }

        Parallel.For(0, which.Length, parallel, w =>
        {
            int r = which[w];
            var (items, weights) = rows(r);

            // Conjugate gradient on (OᵀC O + λI) x = Oᵀ C p, with C = 1 + α·weight on the observed entries, p = 1 there.
            Span<double> x = stackalloc double[Factors];
            Span<double> residual = stackalloc double[Factors];
            Span<double> direction = stackalloc double[Factors];
            Span<double> product = stackalloc double[Factors];
            for (int f = 0; f < Factors; f++)
            {
                x[f] = target[r * Factors + f];
            }

            Multiply(x, product, gram, other, items, weights);
            for (int f = 0; f < Factors; f++)
            {
                residual[f] = -product[f];
            }

            for (int k = 0; k < items.Length; k++)
            {
                double confidence = 1 + Alpha * weights[k];
                for (int f = 0; f < Factors; f++)
                {
                    residual[f] += confidence * other[items[k] * Factors + f];
                }
            }

            residual.CopyTo(direction);
            double rr = Dot(residual, residual);
            for (int step = 0; step < ConjugateSteps && rr > 1e-12; step++)
            {
                Multiply(direction, product, gram, other, items, weights);
                double a = rr / Dot(direction, product);
                for (int f = 0; f < Factors; f++)
                {
                    x[f] += a * direction[f];
                    residual[f] -= a * product[f];
                }

                double next = Dot(residual, residual);
                for (int f = 0; f < Factors; f++)
                {
                    direction[f] = residual[f] + next / rr * direction[f];
                }

                rr = next;
            }

            for (int f = 0; f < Factors; f++)
            {
                target[r * Factors + f] = (float)x[f];
            }
        });
    }

    /// <summary>product = (OᵀO + Oᵀ(C − I)O + λI) · v over the row's observed entries.</summary>
    private static void Multiply(ReadOnlySpan<double> v, Span<double> product, double[] gram, float[] other, int[] items, float[] weights)
    {
        for (int a = 0; a < Factors; a++)
        {
            double sum = Lambda * v[a];
            for (int b = 0; b < Factors; b++)
            {
                sum += gram[a * Factors + b] * v[b];
            }

            product[a] = sum;
        }

        for (int k = 0; k < items.Length; k++)
        {
            int o = items[k] * Factors;
            double dot = 0;
            for (int f = 0; f < Factors; f++)
            {
                dot += other[o + f] * v[f];
            }

            double scale = Alpha * weights[k] * dot;
            for (int f = 0; f < Factors; f++)
            {
                product[f] += scale * other[o + f];
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}

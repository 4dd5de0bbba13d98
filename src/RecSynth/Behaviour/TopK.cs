using System.Numerics;
using System.Runtime.Intrinsics;

namespace RecSynth.Behaviour;

/// <summary>
/// The k best (index, score) pairs, highest score first, ties broken by the lower index (deterministic); each pair may
/// carry a tag (e.g. where the index came from).
/// </summary>
internal sealed class TopK(int k)
{
    private readonly int[] _indices = new int[Math.Max(1, k)];
    private readonly float[] _scores = new float[Math.Max(1, k)];
    private readonly int[] _tags = new int[Math.Max(1, k)];
    private int _count;
    private float[] _pendingScores = [];
    private int[] _pendingIndices = [];
    private int[] _pendingTags = [];

    public int Count => _count;

    /// <summary>Empties the list for reuse.</summary>
    public TopK Reset()
    {
        _count = 0;
        return this;
    }

    /// <summary>Copies the indices, best first, and returns how many.</summary>
    public int CopyTo(int[] destination)
    {
        Array.Copy(_indices, destination, _count);
        return _count;
    }

    /// <summary>Copies the indices and their tags, best first, and returns how many.</summary>
    public int CopyTo(int[] destination, int[] tags)
    {
        Array.Copy(_tags, tags, _count);
        return CopyTo(destination);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Offer(int index, float score, int tag = 0)
    {
        // The common case, once the list is full: a candidate below the last one.
        if (_count == k && score < _scores[_count - 1])
        {
            return;
        }

        Insert(index, score, tag);
    }

    private void Insert(int index, float score, int tag)
    {
        if (k <= 0 || (_count == k && !Better(score, index, _scores[_count - 1], _indices[_count - 1])))
        {
            return;
        }

        int at = _count < k ? _count++ : _count - 1;
        while (at > 0 && Better(score, index, _scores[at - 1], _indices[at - 1]))
        {
            _scores[at] = _scores[at - 1];
            _indices[at] = _indices[at - 1];
            _tags[at] = _tags[at - 1];
            at--;
        }

        _scores[at] = score;
        _indices[at] = index;
        _tags[at] = tag;
    }

    /// <summary>
    /// Offers every entry of <paramref name="scores"/> whose score is finite, with its position as the tag: the same
    /// list as offering them one by one, faster. The scores' length is a multiple of 16 (pad with −∞). The 16 groups
    /// of every other 8 scores have maxima; the k-th largest of them, t, has at least k scores at or above it, so the
    /// k best are all at or above t, and only those scores are offered. A skipped candidate scores −∞. The indices
    /// are distinct (from each other and from those already in the list).
    /// </summary>
    public void OfferAll(ReadOnlySpan<float> scores, ReadOnlySpan<int> indices)
    {
        if (k > 16 || scores.Length % 16 != 0)
        {
            for (int j = 0; j < indices.Length; j++)
            {
                if (float.IsFinite(scores[j]))
                {
                    Offer(indices[j], scores[j], j);
                }
            }

            return;
        }

        var even = Vector256.Create(float.NegativeInfinity);
        var odd = even;
        for (int j = 0; j < scores.Length; j += 16)
        {
            even = Vector256.MaxNative(even, Vector256.Create(scores[j..]));
            odd = Vector256.MaxNative(odd, Vector256.Create(scores[(j + 8)..]));
        }

        // Each group maximum in turn (lane 0 of the rotated vectors) against all 16.
        var threshold = Vector256.Create(float.NegativeInfinity);
        var rotate = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 0);
        var first = even;
        var second = odd;
        for (int g = 0; g < 8; g++)
        {
            threshold = Raise(threshold, Vector256.Create(first.ToScalar()), even, odd);
            threshold = Raise(threshold, Vector256.Create(second.ToScalar()), even, odd);
            first = Vector256.Shuffle(first, rotate);
            second = Vector256.Shuffle(second, rotate);
        }

        // The entries at or above the threshold (and those already in the list) go to a pending list, which is ranked.
        int pending = _count;
        Reserve(_count + scores.Length + 8);
        _count = 0;
        var infinity = Vector256.Create(float.NegativeInfinity);
        for (int j = 0; j < scores.Length; j += 8)
        {
            var block = Vector256.Create(scores[j..]);
            for (uint offered = (Vector256.GreaterThanOrEqual(block, threshold) & ~Vector256.Equals(block, infinity)).ExtractMostSignificantBits(); offered != 0; offered &= offered - 1)
            {
                int at = j + BitOperations.TrailingZeroCount(offered);
                _pendingScores[pending] = scores[at];
                _pendingIndices[pending] = indices[at];
                _pendingTags[pending] = at;
                pending++;
            }
        }

        Rank(pending);
    }

    /// <summary>
    /// Makes the list the best k of the pending entries: each entry's place is the number of entries better than it,
    /// counted eight at a time, which needs no branch on the scores (an insertion's branches are hard to predict).
    /// </summary>
    private void Rank(int pending)
    {
        int padded = (pending + 7) & ~7;
        _pendingScores.AsSpan(pending, padded - pending).Fill(float.NegativeInfinity); // never better than an entry
        _pendingIndices.AsSpan(pending, padded - pending).Fill(int.MaxValue);
        for (int i = 0; i < pending; i++)
        {
            var score = Vector256.Create(_pendingScores[i]);
            var index = Vector256.Create(_pendingIndices[i]);
            int place = 0;
            for (int j = 0; j < padded; j += 8)
            {
                var scores = Vector256.Create(_pendingScores.AsSpan(j));
                var indices = Vector256.Create(_pendingIndices.AsSpan(j));
                var better = Vector256.GreaterThan(scores, score) | (Vector256.Equals(scores, score) & Vector256.LessThan(indices, index).AsSingle());
                place += BitOperations.PopCount(better.ExtractMostSignificantBits());
            }

            if (place < k)
            {
                _scores[place] = _pendingScores[i];
                _indices[place] = _pendingIndices[i];
                _tags[place] = _pendingTags[i];
            }
        }

        _count = Math.Min(pending, k);
    }

    private void Reserve(int length)
    {
        if (_pendingScores.Length < length)
        {
            int size = Math.Max(length, 2 * _pendingScores.Length);
            _pendingScores = new float[size];
            _pendingIndices = new int[size];
            _pendingTags = new int[size];
        }

        Array.Copy(_scores, _pendingScores, _count);
        Array.Copy(_indices, _pendingIndices, _count);
        Array.Copy(_tags, _pendingTags, _count);
    }

    /// <summary>The threshold raised to <paramref name="maximum"/> if at least k of the group maxima reach it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Vector256<float> Raise(Vector256<float> threshold, Vector256<float> maximum, Vector256<float> even, Vector256<float> odd)
    {
        int above = BitOperations.PopCount(Vector256.GreaterThanOrEqual(even, maximum).ExtractMostSignificantBits())
            + BitOperations.PopCount(Vector256.GreaterThanOrEqual(odd, maximum).ExtractMostSignificantBits());
        return above >= k ? Vector256.MaxNative(threshold, maximum) : threshold;
    }

    public IEnumerable<int> Indices() => _indices.Take(_count);

    public (int[] Items, float[] Scores) Sorted() => (_indices[.._count], _scores[.._count]);

    private static bool Better(float score, int index, float otherScore, int otherIndex) =>
        score > otherScore || (score == otherScore && index < otherIndex);
}

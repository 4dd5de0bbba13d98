using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    private float[] _rankedScores = [];
    private int[] _rankedIndices = [];
    private int[] _rankedTags = [];

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
        _indices.AsSpan(0, _count).CopyTo(destination);
        return _count;
    }

    /// <summary>Copies the indices and their tags, best first, and returns how many.</summary>
    public int CopyTo(int[] destination, int[] tags)
    {
        _tags.AsSpan(0, _count).CopyTo(tags);
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
        if (Avx2.IsSupported)
        {
            // Without a branch per entry: the block's entries that are offered are packed to the front of the vector
            // (a permutation from a table by the mask), all eight are stored, and the pending count grows by their number.
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            ref int packs = ref MemoryMarshal.GetArrayDataReference(s_packs);
            for (int j = 0; j < scores.Length; j += 8)
            {
                var block = Vector256.Create(scores[j..]);
                uint offered = (Vector256.GreaterThanOrEqual(block, threshold) & ~Vector256.Equals(block, infinity)).ExtractMostSignificantBits();
                var pack = Vector256.LoadUnsafe(ref packs, (nuint)(8 * offered));
                Avx2.PermuteVar8x32(block, pack).CopyTo(_pendingScores.AsSpan(pending));
                Avx2.PermuteVar8x32(IndicesAt(indices, j), pack).CopyTo(_pendingIndices.AsSpan(pending));
                Avx2.PermuteVar8x32(lanes + Vector256.Create(j), pack).CopyTo(_pendingTags.AsSpan(pending));
                pending += BitOperations.PopCount(offered);
            }
        }
        else
        {
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
        }

        Rank(pending);
    }

    /// <summary>Per mask of 8 bits, the lanes whose bit is set, in order, then zeros: what packs those lanes to the front.</summary>
    private static readonly int[] s_packs = [.. Enumerable.Range(0, 256).SelectMany(mask =>
        Enumerable.Range(0, 8).Where(lane => ((mask >> lane) & 1) != 0).Concat(Enumerable.Repeat(0, 8)).Take(8))];

    /// <summary>The eight indices from <paramref name="j"/> on (those past the end, whose scores are −∞, as zeros).</summary>
    private static Vector256<int> IndicesAt(ReadOnlySpan<int> indices, int j) =>
        j + 8 <= indices.Length ? Vector256.Create(indices[j..]) : Tail(indices, j);

    private static Vector256<int> Tail(ReadOnlySpan<int> indices, int j)
    {
        Span<int> tail = stackalloc int[8];
        tail.Clear();
        if (j < indices.Length)
        {
            indices[j..].CopyTo(tail);
        }

        return Vector256.Create<int>(tail);
    }

    /// <summary>
    /// Makes the list the best k of the pending entries: each entry's place is the number of entries better than it,
    /// counted eight at a time, which needs no branch on the scores (an insertion's branches are hard to predict);
    /// every entry is written to its place (the places are distinct), and the first k are kept.
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

            _rankedScores[place] = _pendingScores[i];
            _rankedIndices[place] = _pendingIndices[i];
            _rankedTags[place] = _pendingTags[i];
        }

        _count = Math.Min(pending, k);
        _rankedScores.AsSpan(0, _count).CopyTo(_scores);
        _rankedIndices.AsSpan(0, _count).CopyTo(_indices);
        _rankedTags.AsSpan(0, _count).CopyTo(_tags);
    }

    private void Reserve(int length)
    {
        if (_pendingScores.Length < length)
        {
            int size = Math.Max(length, 2 * _pendingScores.Length);
            _pendingScores = new float[size];
            _pendingIndices = new int[size];
            _pendingTags = new int[size];
            _rankedScores = new float[size];
            _rankedIndices = new int[size];
            _rankedTags = new int[size];
        }

        _scores.AsSpan(0, _count).CopyTo(_pendingScores);
        _indices.AsSpan(0, _count).CopyTo(_pendingIndices);
        _tags.AsSpan(0, _count).CopyTo(_pendingTags);
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

    /// <summary>The list's indices, best first, without a copy: valid until the list changes.</summary>
    public ReadOnlySpan<int> IndexSpan => _indices.AsSpan(0, _count);

    /// <summary>The list's scores, best first, without a copy: valid until the list changes.</summary>
    public ReadOnlySpan<float> ScoreSpan => _scores.AsSpan(0, _count);

    public (int[] Items, float[] Scores) Sorted() => (_indices[.._count], _scores[.._count]);

    private static bool Better(float score, int index, float otherScore, int otherIndex) =>
        score > otherScore || (score == otherScore && index < otherIndex);
}

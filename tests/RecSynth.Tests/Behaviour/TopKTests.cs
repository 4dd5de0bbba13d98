using CsCheck;
using RecSynth.Behaviour;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// The top-k selection: the fast path (<see cref="TopK.OfferAll"/>, which offers only the scores at or above a
/// threshold) gives the same list, tags and order as the plain one (every score offered in turn).
/// </summary>
public sealed class TopKTests
{
    [Fact]
    public void Offering_all_at_once_equals_offering_one_by_one() =>
        Gen.Select(Gen.Int[1, 20], Gen.Int[0, 300], Gen.Int[1, 40], Gen.Int[0, 4], Gen.UInt).Sample((k, count, levels, skipEvery, seed) =>
        {
            // Few distinct levels make ties common; ties are broken by the lower index, which the indices shuffle.
            var random = new Random((int)seed);
            int length = Math.Max(16, (count + 15) / 16 * 16);
            var scores = new float[length];
            Array.Fill(scores, float.NegativeInfinity);
            int[] indices = [.. Enumerable.Range(0, count).Select(_ => random.Next(1_000_000)).Distinct()];
            for (int j = 0; j < indices.Length; j++)
            {
                bool skipped = skipEvery > 0 && random.Next(skipEvery + 1) == 0;
                scores[j] = skipped ? float.NegativeInfinity : random.Next(levels) / (float)levels - 0.5f;
            }

            // A list may hold entries already (with indices of their own): those offered before.
            var plain = new TopK(k);
            var fast = new TopK(k);
            for (int j = 0; j < levels % 5; j++)
            {
                float score = random.Next(levels) / (float)levels - 0.5f;
                plain.Offer(2_000_000 + j, score, -1 - j);
                fast.Offer(2_000_000 + j, score, -1 - j);
            }

            for (int j = 0; j < indices.Length; j++)
            {
                if (float.IsFinite(scores[j]))
                {
                    plain.Offer(indices[j], scores[j], j);
                }
            }

            fast.OfferAll(scores, indices);
            Assert.Equal(plain.Count, fast.Count);
            int[] expected = new int[k], expectedTags = new int[k], actual = new int[k], actualTags = new int[k];
            plain.CopyTo(expected, expectedTags);
            fast.CopyTo(actual, actualTags);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedTags, actualTags);
        }, iter: 5_000);
}

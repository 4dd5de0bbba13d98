using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RecSynth.Internals;
using RecSynth.Users;

namespace RecSynth.Behaviour;

internal sealed partial class Simulator
{
    /// <summary>Interest of the user in a product: matches of style preferences, hidden taste, popularity, price and condition.</summary>
    private float Interest(in User user, int itemIndex)
    {
        var row = _products.Row(itemIndex);
        var attributes = ProductRows.Attributes(row);
        var r = _response;
        double logit = row[ProductRows.Interest + user.PriceSensitivity * 3 + user.SustainabilityFocus]
            + (((user.ColorMask >> attributes.Color) & 1) != 0 ? r.Color : 0)
            + (((user.PatternMask >> attributes.Pattern) & 1) != 0 ? r.Pattern : 0)
            + (((user.MaterialMask >> attributes.Material) & 1) != 0 ? r.Material : 0)
            + (((user.BrandMask >> attributes.Brand) & 1) != 0 ? r.Brand : 0)
            + (attributes.Style == user.PrimaryStyle ? r.Style : 0)
            + r.Taste * VectorMath.Dot(_world.UserFactor(user.Index), _world.ItemFactor(itemIndex));
        return 1 / (1 + MathF.Exp(-(float)logit));
    }

    /// <summary>How the user's taste for a source scales a view: cf_preference for CF, its complement for images, and
    /// halfway for a product an outside recommender found by other means (docs/design.md).</summary>
    private static double Multiplier(double cfPreference, RecType source) => source switch
    {
        RecType.Cf => cfPreference,
        RecType.Image => 1 - cfPreference,
        _ => 0.5,
    };

    /// <summary>
    /// Starts bringing in what the response reads about a local product: its row, and its factors unless its interest
    /// is known already (computed this session, or cached with a warm user's CF candidates).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchLocal(int local, Scratch scratch)
    {
        int item = scratch.LocalItems[local];
        _products.Prefetch(item);
        if (float.IsNaN(scratch.LocalInterest[local]) && float.IsNaN(CachedInterest(local, scratch)))
        {
            int f = _world.F;
            Prefetch.Line(_world.ItemFactors, item * f);
            Prefetch.Line(_world.ItemFactors, item * f + f - 1);
        }
    }

    /// <summary>The interest a warm user's CF candidates keep for a local product: NaN when it has none (yet).</summary>
    private static float CachedInterest(int local, Scratch scratch) =>
        scratch.LocalCfSlot[local] is int slot and >= 0 && scratch.CfInterest is { } cache ? cache[scratch.CfInterestAt + slot] : float.NaN;

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
        interest = CachedInterest(local, scratch);
        if (float.IsNaN(interest))
        {
            interest = Interest(user, item);
            if (scratch.LocalCfSlot[local] is int slot and >= 0 && scratch.CfInterest is { } cache)
            {
                cache[scratch.CfInterestAt + slot] = interest;
            }
        }

        scratch.LocalInterest[local] = interest;
        scratch.LocalLike[local] = (float)Math.Min(1, _response.LikeScale * interest);
        scratch.LocalPurchase[local] = Math.Min(1, interest * _products.Row(item)[ProductRows.Purchase + user.PriceSensitivity]);
        return interest;
    }

    /// <summary>
    /// The view probability before the source multiplier: view_scale × interest × (1 − satiation penalty), × revisit for
    /// a product the user viewed in an earlier session. The penalty
    /// grows with the saturation (the similarity to the most similar product above), so the factor for the saturation
    /// is the least of the factors of each product above, each one from a table by shared attributes.
    /// </summary>
    private double ViewBase(in User user, UserState state, int p, Scratch scratch)
    {
        // Positions are examined in order: those above have their attributes; this one's come from the row the interest reads.
        scratch.SlateAttributes[p] = ProductRows.Attributes(_products.Row(scratch.Slate[p]));
        double a = _response.ViewScale * LocalInterest(user, scratch.SlateLocal[p], scratch) * LeastFactor(scratch.SlateAttributes.AsSpan(0, p), scratch.SlateAttributes[p], _satiationFactor);
        return _tracksViews && state.HasViewed(scratch.Slate[p]) ? a * _response.Revisit : a;
    }

    /// <summary>
    /// The least of <paramref name="factors"/>[ItemAttributes.Match(attributes, a)] over the products
    /// <paramref name="above"/>, and the table's last entry (the factor for nothing above).
    /// </summary>
    internal static double LeastFactor(ReadOnlySpan<ItemAttributes> above, ItemAttributes attributes, ReadOnlySpan<double> factors)
    {
        double factor = factors[^1];
        int q = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four products above at a time, a match per byte.
            var these = attributes.Broadcast();
            for (; q + 4 <= above.Length; q += 4)
            {
                uint matches = ItemAttributes.Match4(these, above[q..]);
                factor = double.MinNative(factor, double.MinNative(
                    double.MinNative(factors[(byte)matches], factors[(byte)(matches >> 8)]),
                    double.MinNative(factors[(byte)(matches >> 16)], factors[(int)(matches >> 24)])));
            }
        }

        for (; q < above.Length; q++)
        {
            factor = double.MinNative(factor, factors[ItemAttributes.Match(attributes, above[q])]);
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
    private double Expected(in User user, UserState state, double cfPreference, int size, Scratch scratch)
    {
        double consistency = user.PreferenceConsistency;
        double expected = 0, none = 1;
        for (int p = 0; p < size; p++)
        {
            double a = ViewBase(user, state, p, scratch);
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
            if (p + 3 < size)
            {
                PrefetchLocal(scratch.SlateLocal[p + 3], scratch); // the cascade goes on more often than not
            }

            double a = ViewBase(user, state, p, scratch);
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
            if (_tracksViews)
            {
                state.AddViewed(item); // a slate holds a product once: this session's later positions are other products
            }

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
}

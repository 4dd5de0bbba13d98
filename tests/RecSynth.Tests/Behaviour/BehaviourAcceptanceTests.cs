using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §10, the behaviour properties that must hold under the defaults, measured on the small preset (10,000
/// products, 5,000 users, 2023, seed 42, uniform logging policy): the event mix, the users' preference for a source,
/// the long tail of the products, the share of users whose best slate is a mix, and price-sensitive purchasing.
/// </summary>
[Collection(SmallPresetGroup.Name)]
public sealed class BehaviourAcceptanceTests(SmallPresetBehaviour fixture)
{
    private readonly SimulatedRun _run = fixture.Simulation;

    [Fact]
    public void The_event_mix_is_60_percent_views_30_percent_likes_and_10_percent_purchases()
    {
        // The design's target is ±3 points (docs/design.md §10). Sampling hardly matters: ~600,000 interactions give a
        // share a standard error below 0.001, even allowing for events clustering in sessions.
        var interactions = _run.Interactions;
        double n = interactions.Length;
        double views = interactions.Count(i => i.Type == FeedbackType.View) / n;
        double likes = interactions.Count(i => i.Type == FeedbackType.Like) / n;
        double purchases = interactions.Count(i => i.Type == FeedbackType.Purchase) / n;
        Report($"event mix over {n:N0} interactions: views {views:P2}, likes {likes:P2}, purchases {purchases:P2}");
        Stats.AssertNear(0.60, views, 0.03, "share of views");
        Stats.AssertNear(0.30, likes, 0.03, "share of likes");
        Stats.AssertNear(0.10, purchases, 0.03, "share of purchases");
    }

    [Fact]
    public void Cf_leaning_users_are_rewarded_at_least_half_as_often_again_on_cf_sessions_as_on_image_sessions()
    {
        var (cf, image, cfError, imageError) = RewardRates(p => p >= 0.7);
        Report($"cf_preference >= 0.7: reward rate on cf sessions {cf:F4} ± {cfError:F4}, on image sessions {image:F4} ± {imageError:F4}, ratio {cf / image:F2}");
        Assert.True(cf >= 1.5 * image, $"cf-leaning users: cf rate {cf:F4} is not at least 1.5 × the image rate {image:F4} (ratio {cf / image:F2})");
    }

    [Fact]
    public void Image_leaning_users_are_rewarded_at_least_half_as_often_again_on_image_sessions_as_on_cf_sessions()
    {
        var (cf, image, cfError, imageError) = RewardRates(p => p <= 0.3);
        Report($"cf_preference <= 0.3: reward rate on image sessions {image:F4} ± {imageError:F4}, on cf sessions {cf:F4} ± {cfError:F4}, ratio {image / cf:F2}");
        Assert.True(image >= 1.5 * cf, $"image-leaning users: image rate {image:F4} is not at least 1.5 × the cf rate {cf:F4} (ratio {image / cf:F2})");
    }

    [Fact]
    public void The_advantage_of_cf_over_image_grows_with_cf_preference()
    {
        // The counterpart that shows the two must-holds above come from cf_preference and not from one source being
        // better for everyone: the cf/image ratio of users without a clear leaning (0.45–0.55) lies strictly between
        // those of the image-leaning and the cf-leaning users. Each ratio has a standard error below 0.03 here.
        double Ratio(Func<double, bool> preference)
        {
            var (cf, image, _, _) = RewardRates(preference);
            return cf / image;
        }

        double imageLeaning = Ratio(p => p <= 0.3), neutral = Ratio(p => p is >= 0.45 and <= 0.55), cfLeaning = Ratio(p => p >= 0.7);
        Report($"cf/image reward ratio: cf_preference <= 0.3: {imageLeaning:F2}, 0.45–0.55: {neutral:F2}, >= 0.7: {cfLeaning:F2}");
        Assert.True(imageLeaning < neutral && neutral < cfLeaning, $"cf/image ratios {imageLeaning:F2}, {neutral:F2}, {cfLeaning:F2} do not grow with cf_preference");
    }

    [Fact]
    public void The_top_fifth_of_products_receive_at_least_60_percent_of_the_interactions()
    {
        var counts = new long[_run.World.Items.Length];
        foreach (var interaction in _run.Interactions)
        {
            counts[interaction.Item]++;
        }

        Array.Sort(counts);
        Array.Reverse(counts);
        double top = counts.Take(counts.Length / 5).Sum() / (double)_run.Interactions.Length;
        Report($"top 20 % of {counts.Length:N0} products receive {top:P2} of the interactions");
        Assert.True(top >= 0.60, $"the top 20 % of products receive {top:P2} of the interactions, not >= 60 %");
    }

    [Fact]
    public void At_least_a_fifth_of_users_have_their_best_blend_strictly_between_cf_and_image()
    {
        // Over the ~5,000 users with sessions, the share has a standard error of about 0.006; the must-hold is the
        // threshold itself, on the ground truth the run computes.
        var truth = _run.Truth;
        int levels = truth.Levels;
        int users = 0, interior = 0;
        var best = new int[levels];
        for (int u = 0; u < _run.World.UserList.Length; u++)
        {
            if (truth.Sessions(u) == 0)
            {
                continue;
            }

            users++;
            int argmax = 0;
            for (int level = 1; level < levels; level++)
            {
                if (truth.Estimate(u, level).Mean > truth.Estimate(u, argmax).Mean)
                {
                    argmax = level;
                }
            }

            best[argmax]++;
            interior += argmax > 0 && argmax < levels - 1 ? 1 : 0;
        }

        double share = interior / (double)users;
        Report($"interior optimal blend: {interior} of {users} users = {share:P2}; best level counts [{string.Join(", ", best)}]");
        Assert.True(share >= 0.20, $"only {share:P2} of users have an interior optimal blend, not >= 20 %");
    }

    [Fact]
    public void Price_sensitive_users_buy_cheaper_products_on_average()
    {
        // Mean purchase price by price_sensitivity (Low, Medium, High); each step must be down by more than 5 standard
        // errors of the difference (prices are heavy-tailed, so the standard error is taken from the sample).
        var users = _run.World.UserList;
        var items = _run.World.Items;
        var means = new double[3];
        var errors = new double[3];
        var counts = new int[3];
        for (int level = 0; level < 3; level++)
        {
            double[] prices = [.. _run.Interactions
                .Where(i => i.Type == FeedbackType.Purchase && users[i.User].PriceSensitivity == level)
                .Select(i => items[i.Item].Price)];
            means[level] = Stats.Mean(prices);
            errors[level] = Stats.StandardError(prices);
            counts[level] = prices.Length;
        }

        Report($"mean purchase price: Low {means[0]:F2} ± {errors[0]:F2} (n {counts[0]}), Medium {means[1]:F2} ± {errors[1]:F2} (n {counts[1]}), High {means[2]:F2} ± {errors[2]:F2} (n {counts[2]})");
        for (int level = 1; level < 3; level++)
        {
            double drop = means[level - 1] - means[level];
            double error = Math.Sqrt(errors[level - 1] * errors[level - 1] + errors[level] * errors[level]);
            Assert.True(drop > Stats.Z * error,
                $"price sensitivity {level - 1} → {level}: mean purchase price {means[level - 1]:F2} → {means[level]:F2}, a drop of {drop:F2}, not beyond {Stats.Z} × {error:F2}");
        }
    }

    /// <summary>Pooled reward rates of cf sessions and image sessions of the users whose cf_preference passes the filter, with standard errors.</summary>
    private (double Cf, double Image, double CfError, double ImageError) RewardRates(Func<double, bool> preference)
    {
        var users = _run.World.UserList;
        long cfSessions = 0, cfRewards = 0, imageSessions = 0, imageRewards = 0;
        foreach (var session in _run.Sessions)
        {
            if (!preference(users[session.User].CfPreference))
            {
                continue;
            }

            if (session.Arm == Arm.Cf)
            {
                cfSessions++;
                cfRewards += session.Reward;
            }
            else if (session.Arm == Arm.Image)
            {
                imageSessions++;
                imageRewards += session.Reward;
            }
        }

        double cf = cfRewards / (double)cfSessions, image = imageRewards / (double)imageSessions;
        return (cf, image, Stats.ProportionError(cf, (int)cfSessions), Stats.ProportionError(image, (int)imageSessions));
    }

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

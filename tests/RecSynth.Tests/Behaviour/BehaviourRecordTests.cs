using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §4.13 and §10, the records themselves, on the small preset (seed 42, uniform policy): time bounds
/// (item and user cold start), no repeated purchase, RecType against the arm, sessions that agree with their
/// interactions, file order. Every check is over every record.
/// </summary>
[Collection(SmallPresetGroup.Name)]
public sealed class BehaviourRecordTests(SmallPresetBehaviour fixture)
{
    /// <summary>Slack after the period's end for the last sessions' dwell: 10 positions of 3 s + Exp(12 s), plus a purchase delay.</summary>
    private const long Dwell = 6 * 3600;

    private readonly SimulatedRun _run = fixture.Simulation;
    private readonly Dictionary<long, SessionRecord> _sessions = fixture.SessionById;

    [Fact]
    public void No_session_starts_before_its_user_signed_up_or_outside_the_period()
    {
        var users = _run.World.UserList;
        long start = _run.Options.Time.StartSeconds, end = _run.Options.Time.EndSeconds;
        Expect.All(_run.Sessions, s => s.StartedAt >= start && s.StartedAt < end && s.StartedAt >= users[s.User].SignedUpAt,
            s => $"session {s.SessionId} of U{s.User} (signed up {users[s.User].SignedUpAt}) starts at {s.StartedAt}",
            $"sessions start in [max(start, signed_up_at), end) = [{start}, {end})");

        // Users who join during the period have sessions too, so the check above is not empty for them.
        Assert.Contains(_run.Sessions, s => users[s.User].SignedUpAt > start);
    }

    [Fact]
    public void No_interaction_comes_before_its_product_is_listed_its_user_signed_up_or_its_session_started()
    {
        var users = _run.World.UserList;
        var items = _run.World.Items;
        long start = _run.Options.Time.StartSeconds, end = _run.Options.Time.EndSeconds;

        // The product must be listed when the slate is built (the session's start), the user signed up by then.
        Expect.All(_run.Interactions, i => items[i.Item].ListedAt <= _sessions[i.SessionId].StartedAt && i.Timestamp >= items[i.Item].ListedAt,
            i => $"{i.Type} of item_{i.Item} (listed {items[i.Item].ListedAt}) at {i.Timestamp} in a session started {_sessions[i.SessionId].StartedAt}",
            "products listed before the session that shows them");
        Expect.All(_run.Interactions, i => i.Timestamp >= users[i.User].SignedUpAt,
            i => $"{i.Type} of U{i.User} (signed up {users[i.User].SignedUpAt}) at {i.Timestamp}", "interactions after signed_up_at");
        Expect.All(_run.Interactions, i => i.Timestamp > _sessions[i.SessionId].StartedAt && i.Timestamp >= start && i.Timestamp < end + Dwell,
            i => $"{i.Type} at {i.Timestamp} in a session started {_sessions[i.SessionId].StartedAt}",
            $"interactions after their session's start, within [{start}, end + {Dwell} s)");

        // Products listed during the period and users who joined during it do take part, so the checks bite.
        Assert.Contains(_run.Interactions, i => items[i.Item].ListedAt > start);
        Assert.Contains(_run.Interactions, i => users[i.User].SignedUpAt > start);
    }

    [Fact]
    public void No_user_buys_a_product_twice_nor_is_shown_it_again_after_buying_it()
    {
        // The purchase's session number per (user, product); a later session of that user must not show the product.
        var bought = new Dictionary<(int User, int Item), int>();
        foreach (var i in _run.Interactions.Where(i => i.Type == FeedbackType.Purchase))
        {
            if (!bought.TryAdd((i.User, i.Item), SimulatedRun.NumberOf(i.SessionId)))
            {
                Assert.Fail($"U{i.User} bought item_{i.Item} twice (again in session {i.SessionId})");
            }
        }

        Expect.All(_run.Interactions, i => !bought.TryGetValue((i.User, i.Item), out int session) || SimulatedRun.NumberOf(i.SessionId) <= session,
            i => $"U{i.User} is shown item_{i.Item} in session {i.SessionId} after buying it in session number {bought[(i.User, i.Item)]}",
            "bought products are not shown again");
        Assert.True(bought.Count > 10_000, $"only {bought.Count} purchases");
    }

    [Fact]
    public void Under_the_uniform_policy_cf_sessions_show_only_cf_products_and_image_sessions_only_image_products()
    {
        Expect.All(_run.Sessions, s => (s.Arm == Arm.Cf || s.Arm == Arm.Image) && s.Propensity == 0.5,
            s => $"session {s.SessionId}: arm {s.Arm}, propensity {s.Propensity}", "uniform: arm cf or image, propensity 1/2");
        Expect.All(_run.Interactions, i => i.Source == (_sessions[i.SessionId].Arm == Arm.Image ? RecType.Image : RecType.Cf),
            i => $"{i.Source} interaction at position {i.Position} of a {_sessions[i.SessionId].Arm} session {i.SessionId}",
            "RecType is the source of the session's arm");

        // Each arm with probability 1/2: the cf count has a standard deviation of √N / 2; 5σ band.
        int n = _run.Sessions.Length;
        int cf = _run.Sessions.Count(s => s.Arm == Arm.Cf);
        Stats.AssertNear(n / 2.0, cf, Stats.Z * Math.Sqrt(n) / 2, "cf sessions under the uniform policy");
    }

    [Fact]
    public void Every_session_counts_its_own_interactions_and_is_rewarded_exactly_when_it_has_a_like_or_purchase()
    {
        var counted = new Dictionary<long, (int Views, int Likes, int Purchases)>();
        foreach (var i in _run.Interactions)
        {
            Assert.True(_sessions.ContainsKey(i.SessionId), $"interaction of unknown session {i.SessionId}");
            var c = counted.GetValueOrDefault(i.SessionId);
            counted[i.SessionId] = i.Type switch
            {
                FeedbackType.View => (c.Views + 1, c.Likes, c.Purchases),
                FeedbackType.Like => (c.Views, c.Likes + 1, c.Purchases),
                FeedbackType.Purchase => (c.Views, c.Likes, c.Purchases + 1),
                _ => throw new InvalidOperationException($"feedback type {i.Type}"),
            };
        }

        Expect.All(_run.Sessions, s => counted.GetValueOrDefault(s.SessionId) == (s.Views, s.Likes, s.Purchases),
            s => $"session {s.SessionId} says ({s.Views}, {s.Likes}, {s.Purchases}), its interactions ({counted.GetValueOrDefault(s.SessionId)})",
            "session counts equal the counts of its interactions");
        Expect.All(_run.Sessions, s => s.Reward == (s.Likes + s.Purchases > 0 ? 1 : 0),
            s => $"session {s.SessionId}: likes {s.Likes}, purchases {s.Purchases}, reward {s.Reward}", "reward = 1 iff a like or a purchase");

        // Sessions without interactions are logged too (the bandit log has every session).
        Assert.Contains(_run.Sessions, s => s.Views == 0);
        Assert.Contains(_run.Sessions, s => s.Reward == 1);
    }

    [Fact]
    public void Interactions_belong_to_their_sessions_user_and_fill_each_slate_position_with_one_product()
    {
        int slate = _run.Options.Behaviour.SlateSize;
        Expect.All(_run.Sessions, s => s.SlateSize == slate && SimulatedRun.UserOf(s.SessionId) == s.User,
            s => $"session {s.SessionId} of U{s.User}: slate {s.SlateSize}", $"slates of {slate} and session ids that name their user");
        Expect.All(_run.Interactions, i => i.User == _sessions[i.SessionId].User && i.Position >= 1 && i.Position <= _sessions[i.SessionId].SlateSize,
            i => $"{i.Type} of U{i.User} at position {i.Position} in session {i.SessionId} of U{_sessions[i.SessionId].User}",
            "interactions name their session's user and a position within the slate");

        // Per session: one product per position, one position per product, each event type once per position, and
        // a like or purchase only with a view of the same position at or before it.
        var itemAt = new Dictionary<(long Session, byte Position), int>();
        var positionOf = new Dictionary<(long Session, int Item), byte>();
        var events = new HashSet<(long Session, byte Position, FeedbackType Type)>();
        var viewedAt = new Dictionary<(long Session, byte Position), long>();
        foreach (var i in _run.Interactions)
        {
            // (Messages are built only on failure: this runs over every interaction.)
            if (!itemAt.TryAdd((i.SessionId, i.Position), i.Item) && itemAt[(i.SessionId, i.Position)] != i.Item)
            {
                Assert.Fail($"session {i.SessionId} position {i.Position} holds item_{itemAt[(i.SessionId, i.Position)]} and item_{i.Item}");
            }

            if (!positionOf.TryAdd((i.SessionId, i.Item), i.Position) && positionOf[(i.SessionId, i.Item)] != i.Position)
            {
                Assert.Fail($"session {i.SessionId} shows item_{i.Item} at positions {positionOf[(i.SessionId, i.Item)]} and {i.Position}");
            }

            if (!events.Add((i.SessionId, i.Position, i.Type)))
            {
                Assert.Fail($"session {i.SessionId} position {i.Position} has two {i.Type} events");
            }

            if (i.Type == FeedbackType.View)
            {
                viewedAt[(i.SessionId, i.Position)] = i.Timestamp;
            }
            else if (!viewedAt.TryGetValue((i.SessionId, i.Position), out long viewed) || viewed > i.Timestamp)
            {
                Assert.Fail($"{i.Type} at position {i.Position} of session {i.SessionId} without an earlier view");
            }
        }
    }

    [Fact]
    public void Records_come_in_file_order()
    {
        // interactions.csv by (Timestamp, SessionId, Position, FeedbackType), sessions.csv by (StartedAt, SessionId),
        // over the whole period (the weeks are concatenated as the writer streams them). Strictly increasing: no
        // two records share a key.
        var interactions = _run.Interactions;
        for (int k = 1; k < interactions.Length; k++)
        {
            var (a, b) = (interactions[k - 1], interactions[k]);
            if ((a.Timestamp, a.SessionId, a.Position, (int)a.Type).CompareTo((b.Timestamp, b.SessionId, b.Position, (int)b.Type)) >= 0)
            {
                Assert.Fail($"interaction {k - 1} {a} comes before interaction {k} {b}");
            }
        }

        var sessions = _run.Sessions;
        for (int k = 1; k < sessions.Length; k++)
        {
            var (a, b) = (sessions[k - 1], sessions[k]);
            if ((a.StartedAt, a.SessionId).CompareTo((b.StartedAt, b.SessionId)) >= 0)
            {
                Assert.Fail($"session {k - 1} {a} comes before session {k} {b}");
            }
        }
    }

    [Fact]
    public void Cf_never_shows_a_product_within_seven_days_of_its_listing()
    {
        // CfSourceOptions.ColdStartDays = 7 (the default): every cf-sourced interaction comes from a session that
        // started at least 7 days after the product's listing. The image source has no such delay, and products
        // listed during the period are shown by it within their first week, so the gate is CF's own.
        Assert.Equal(7, _run.Options.Behaviour.Cf.ColdStartDays);
        const long Week = 7 * Scenario.Day;
        var items = _run.World.Items;
        Expect.All(_run.Interactions.Where(i => i.Source == RecType.Cf), i => _sessions[i.SessionId].StartedAt - items[i.Item].ListedAt >= Week,
            i => $"cf {i.Type} of item_{i.Item} (listed {items[i.Item].ListedAt}) in a session started {_sessions[i.SessionId].StartedAt}",
            "cf shows products only 7 days after listing");
        int young = _run.Interactions.Count(i => i.Source == RecType.Image && i.Timestamp - items[i.Item].ListedAt < Week);
        TestContext.Current.TestOutputHelper?.WriteLine($"image interactions within 7 days of listing: {young}");
        Assert.True(young > 0, "no image interaction within a week of listing: the check above would not tell CF's gate from no new products at all");
    }

    [Fact]
    public void Cf_serves_the_popular_products_until_it_knows_the_user()
    {
        // A user with fewer than WarmUpPositives likes or purchases (counted per slate position, as the simulation
        // does) gets CF slates from CfSource.Popular. Rebuild each user's positives before each session from the
        // records, in the user's session order.
        int warmUp = _run.Options.Behaviour.Cf.WarmUpPositives;
        var popular = new HashSet<int>(_run.Simulator.Cf.Popular.Items);
        var positivesIn = _run.Interactions.Where(i => i.Type != FeedbackType.View)
            .Select(i => (i.SessionId, i.Position)).Distinct().GroupBy(k => k.SessionId).ToDictionary(g => g.Key, g => g.Count());
        var before = new Dictionary<long, int>(); // positives before each session
        foreach (var user in _run.Sessions.GroupBy(s => s.User))
        {
            int positives = 0;
            foreach (var s in user.OrderBy(s => s.SessionId))
            {
                before[s.SessionId] = positives;
                positives += positivesIn.GetValueOrDefault(s.SessionId);
            }
        }

        var cf = _run.Interactions.Where(i => i.Source == RecType.Cf && i.Type == FeedbackType.View).ToArray();
        var cold = cf.Where(i => before[i.SessionId] < warmUp).ToArray();
        var warm = cf.Where(i => before[i.SessionId] >= warmUp).ToArray();
        Expect.All(cold, i => popular.Contains(i.Item),
            i => $"item_{i.Item} shown by cf in session {i.SessionId} after {before[i.SessionId]} positives is not among the popular items",
            $"cf slates of users with fewer than {warmUp} positives come from the popular list");

        // Once CF knows a user, it recommends from the user's own candidates: a clear share lies outside the popular list.
        double outside = warm.Count(i => !popular.Contains(i.Item)) / (double)warm.Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"cf views: {cold.Length} cold, {warm.Length} warm; warm outside the popular list {outside:P2}");
        Assert.True(cold.Length > 1000, $"only {cold.Length} cold cf views");
        Assert.True(outside > 0.1, $"only {outside:P2} of warm users' cf views lie outside the popular list: CF does not personalise");
    }
}

using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §4.11: <c>behaviour.response.revisit</c> multiplies the view probability of a product the user viewed
/// in an earlier session, and the ground truth's expected reward uses the same factor.
/// </summary>
public sealed class RevisitTests
{
    /// <summary>A small catalogue, so that the recommenders show a user the same products session after session.</summary>
    private static RecSynthOptions Options(double revisit, int groundTruthSessions = 20) =>
        SimulatedRun.ShortOptions(products: 300, users: 400, days: 56, behaviour: b => b with
        {
            GroundTruthSessions = groundTruthSessions,
            Response = b.Response with { Revisit = revisit },
        });

    /// <summary>Views of a product the user viewed in an earlier session, and all views.</summary>
    private static (int Repeats, int Views) RepeatViews(SimulatedRun run)
    {
        var firstSession = new Dictionary<(int User, int Item), long>();
        int repeats = 0, views = 0;
        foreach (var e in run.Interactions.Where(e => e.Type == FeedbackType.View))
        {
            views++;
            if (firstSession.TryGetValue((e.User, e.Item), out long session))
            {
                repeats += session != e.SessionId ? 1 : 0;
            }
            else
            {
                firstSession[(e.User, e.Item)] = e.SessionId;
            }
        }

        return (repeats, views);
    }

    [Fact]
    public void With_revisit_zero_no_product_is_viewed_again_in_a_later_session()
    {
        var alike = RepeatViews(SimulatedRun.Simulate(Options(1), "fixed:0.5"));
        var never = RepeatViews(SimulatedRun.Simulate(Options(0), "fixed:0.5"));

        Assert.True(alike.Repeats > alike.Views / 10, $"revisit 1: only {alike.Repeats} of {alike.Views} views repeat: the world does not show products again");
        Assert.Equal(0, never.Repeats);
        Assert.True(never.Views > alike.Views / 2, $"revisit 0: {never.Views} views");
    }

    [Fact]
    public void Revisit_above_one_makes_repeated_views_more_common()
    {
        var alike = RepeatViews(SimulatedRun.Simulate(Options(1), "fixed:0.5"));
        var more = RepeatViews(SimulatedRun.Simulate(Options(3), "fixed:0.5"));

        // Shares of thousands of views: a binomial standard error under 0.01 each; the gap is several times that.
        double a = alike.Repeats / (double)alike.Views, m = more.Repeats / (double)more.Views;
        double se = Math.Sqrt((a * (1 - a) / alike.Views) + (m * (1 - m) / more.Views));
        Assert.True(m - a > 5 * se, $"revisit 3: {m:P1} of views repeat; revisit 1: {a:P1} (5 SE = {5 * se:P1})");
    }

    /// <summary>
    /// The truth of a session is the exact expected reward of its slate given the user's state, viewed products included;
    /// the realized rewards then agree with it within the martingale bound of <see cref="GroundTruthTests"/> (4σ).
    /// Without the factor in the expectation, revisit 4 on this small catalogue would put the realized rewards far above.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(4.0)]
    public void The_expected_rewards_count_the_revisit_factor(double revisit)
    {
        var run = SimulatedRun.Simulate(Options(revisit, groundTruthSessions: 0), "fixed:cf");
        double realized = 0, expected = 0, variance = 0;
        foreach (var (_, n, rewards, mean, sumOfSquares) in GroundTruthTests.Users(run, level: 0))
        {
            realized += rewards;
            expected += n * mean;
            variance += n * mean - sumOfSquares; // Σ p(1 − p)
        }

        double bound = 4 * Math.Sqrt(variance);
        Assert.True(Math.Abs(realized - expected) <= bound, $"revisit {revisit}: realized {realized} vs expected {expected:F1}, beyond 4σ = {bound:F1}");
    }
}

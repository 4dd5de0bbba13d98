using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §4.4–4.6: RecType is the source that filled the position, also when a source runs out. With one
/// anchor the image list of a session is a subset of the neighbours of the user's latest positive (or of their
/// visual-taste product before any), and the CF list a subset of the popular list (fewer than warm_up_positives
/// positives) or of the user's own candidates; both are rebuilt here from the records.
/// </summary>
public sealed class SlateSourceTests(ShortImageListRun fixture) : IClassFixture<ShortImageListRun>
{
    private readonly SimulatedRun _run = fixture.Simulation;

    [Fact]
    public void Every_position_is_labelled_with_the_source_whose_list_holds_its_product()
    {
        var simulator = _run.Simulator;
        var users = _run.World.UserList;
        int warmUp = _run.Options.Behaviour.Cf.WarmUpPositives;
        var popular = simulator.Cf.Popular.Items.ToHashSet();
        var bySession = _run.Interactions.GroupBy(i => i.SessionId).ToDictionary(g => g.Key, g => g.OrderBy(i => i.Position).ThenBy(i => i.Type).ToArray());
        int imageViews = 0, filledByCf = 0, sessionsFilled = 0;
        foreach (var user in _run.Sessions.GroupBy(s => s.User))
        {
            int positives = 0, anchor = -1;
            var candidates = new Lazy<HashSet<int>>(() => [.. simulator.Cf.Candidates(user.Key).Items]);
            foreach (var session in user.OrderBy(s => s.SessionId))
            {
                var image = simulator.Image.Neighbours(anchor >= 0 ? anchor : simulator.Image.TasteSeed(users[user.Key])).ToArray().Select(n => n.Item).ToHashSet();
                var cf = positives >= warmUp ? candidates.Value : popular;
                var events = bySession.GetValueOrDefault(session.SessionId, []);
                bool cfSeen = false;
                foreach (var view in events.Where(i => i.Type == FeedbackType.View))
                {
                    bool fromImage = view.Source == RecType.Image;
                    Assert.True(fromImage ? image.Contains(view.Item) : cf.Contains(view.Item),
                        $"session {session.SessionId}: item_{view.Item} at position {view.Position} is labelled {view.Source} but is not in that source's list");

                    // Under fixed:image CF only fills what the image list cannot: once CF appears, the image list is out.
                    Assert.False(fromImage && cfSeen, $"session {session.SessionId}: an image product at position {view.Position} after a CF fill");
                    cfSeen |= !fromImage;
                    imageViews += fromImage ? 1 : 0;
                    filledByCf += fromImage ? 0 : 1;
                }

                sessionsFilled += cfSeen ? 1 : 0;

                // The user's history after this session: positives per position, the latest positive is the anchor.
                foreach (var positive in events.Where(i => i.Type != FeedbackType.View).Select(i => (i.Position, i.Item)).Distinct().OrderBy(p => p.Position))
                {
                    positives++;
                    anchor = positive.Item;
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{imageViews} image views, {filledByCf} cf fills in {sessionsFilled} of {_run.Sessions.Length} sessions");
        Assert.True(filledByCf > 50, $"only {filledByCf} positions filled by CF: the run does not exercise a source running out");
    }
}

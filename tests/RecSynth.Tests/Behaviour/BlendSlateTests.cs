using RecSynth.Behaviour;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Behaviour;

/// <summary>
/// docs/design.md §4.6, the slate of a blend w: round(w·K) positions from the image source spread evenly (position p is
/// an image position when ⌈p·n/K⌉ > ⌈(p−1)·n/K⌉, so the first is at the top), the rest from CF; a source that runs out
/// is filled by the other. RecType records the source that actually filled the position.
/// </summary>
[Collection(BlendRunGroup.Name)]
public sealed class BlendSlateTests(BlendRuns runs)
{
    private readonly SimulatedRun _run = runs.Parallel;

    [Fact]
    public void The_uniform_blend_policy_chooses_each_level_with_equal_propensity()
    {
        // Chi-square of the sessions per level against 1/5 each, 4 degrees of freedom.
        var levels = _run.Options.Behaviour.BlendLevels;
        Expect.All(_run.Sessions, s => levels.Contains(s.Arm.Blend) && Math.Abs(s.Propensity - 1.0 / levels.Length) < 1e-12,
            s => $"session {s.SessionId}: arm {s.Arm}, propensity {s.Propensity}", "arms among the blend levels, propensity 1/5");
        Stats.AssertFollowsWeights(_run.Sessions.Select(s => levels.IndexOf(s.Arm.Blend)), [.. levels.Select(_ => 1.0)], "blend levels");
    }

    [Fact]
    public void Positions_follow_the_blends_layout_and_a_source_runs_out_only_for_good()
    {
        int k = _run.Options.Behaviour.SlateSize;
        var arms = _run.Sessions.ToDictionary(s => s.SessionId, s => s.Arm.Blend);
        int offLayout = 0, views = 0;
        foreach (var session in _run.Interactions.Where(i => i.Type == FeedbackType.View).GroupBy(i => i.SessionId))
        {
            int images = (int)Math.Round(arms[session.Key] * k, MidpointRounding.AwayFromZero);
            bool imageOut = false, cfOut = false; // an image (cf) position was filled by the other source
            int imagePositions = 0;
            foreach (var view in session.OrderBy(i => i.Position))
            {
                Assert.True(view.Source is RecType.Cf or RecType.Image, $"RecType {view.Source}");
                bool imageSlot = Spread(view.Position, images, k) > Spread(view.Position - 1, images, k);
                bool fromImage = view.Source == RecType.Image;
                views++;
                imagePositions += fromImage ? 1 : 0;
                if (imageSlot == fromImage)
                {
                    // On layout; but once a source has run out it stays out.
                    Assert.False(imageSlot ? imageOut : cfOut,
                        $"session {session.Key} (blend {arms[session.Key]}): position {view.Position} is filled by {view.Source} after that source ran out");
                    continue;
                }

                offLayout++;
                if (imageSlot)
                {
                    imageOut = true;
                }
                else
                {
                    cfOut = true;
                }
            }

            // At most round(w·K) image positions unless the CF list ran out.
            Assert.True(cfOut || imagePositions <= images,
                $"session {session.Key} (blend {arms[session.Key]}): {imagePositions} image positions viewed, more than {images}");
        }

        // Running out is the exception: the lists hold K products each.
        TestContext.Current.TestOutputHelper?.WriteLine($"{offLayout} of {views} viewed positions off the blend's layout");
        Assert.True(offLayout <= 0.01 * views, $"{offLayout} of {views} viewed positions are off the blend's layout");
    }

    [Fact]
    public void A_blend_leads_with_an_image_product_and_the_pure_arms_use_one_source()
    {
        var arms = _run.Sessions.ToDictionary(s => s.SessionId, s => s.Arm.Blend);
        var views = _run.Interactions.Where(i => i.Type == FeedbackType.View).ToArray();
        Expect.All(views.Where(i => i.Position == 1 && arms[i.SessionId] > 0), i => i.Source == RecType.Image,
            i => $"position 1 of a blend-{arms[i.SessionId]} session {i.SessionId} is {i.Source}", "blends lead with an image product");
        Expect.All(views.Where(i => arms[i.SessionId] is 0 or 1), i => i.Source == (arms[i.SessionId] == 1 ? RecType.Image : RecType.Cf),
            i => $"position {i.Position} of a blend-{arms[i.SessionId]} session {i.SessionId} is {i.Source}", "pure arms use one source");

        // Every level shows its share of image products among viewed positions (view rates differ by source, so
        // only the order is asserted: more image views as the blend grows).
        var shares = _run.Options.Behaviour.BlendLevels.Select(level => views.Where(i => arms[i.SessionId] == level).Average(i => i.Source == RecType.Image ? 1.0 : 0.0)).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"image share of views by level: {string.Join(", ", shares.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int level = 1; level < shares.Length; level++)
        {
            Assert.True(shares[level] > shares[level - 1], $"image share of views does not grow from level {level - 1} to {level}: {string.Join(", ", shares)}");
        }
    }

    /// <summary>⌈p·n/k⌉, written out from the layout's definition (docs/design.md §4.6).</summary>
    private static int Spread(int p, int n, int k) => (int)Math.Ceiling(p * (double)n / k);
}

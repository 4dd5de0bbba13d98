using System.Globalization;
using System.Text.Json;
using RecSynth.Outside.Tests.Support;
using RecSynth.Simulation;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests;

/// <summary>Slate answers are held to the catalogue: products that exist, are listed by the session's time, distinct, from a known source.</summary>
public sealed class SlateFaultTests
{
    private static readonly PolicyStep s_step = SmallWorld.Step(5);
    private static readonly PlannedSession[] s_sessions = SmallWorld.Sessions(s_step, 3);

    [Theory]
    [InlineData("slate-bad-arm", "step 5, session 10000006: arm \"blend\" is not one of cf, 0.25, 0.5, 0.75, image")]
    [InlineData("slate-source", "step 5, session 10000006: items[0].source \"popular\" is not one of cf, image, other")]
    [InlineData("slate-repeat", "step 5, session 10000006: items[3].item_id \"{0}\" is already items[0] (a slate's products are distinct)")]
    [InlineData("slate-empty", "step 5, session 10000006: items holds 0 products; a slate holds 1 to 10 (slate_size)")]
    [InlineData("missing", "step 5, session 30000006: missing from slates (the answer holds 2 of the request's 3 sessions; it must hold each exactly once)")]
    public void A_bad_slate_names_the_step_the_session_and_the_field(string mode, string message)
    {
        int[] listed = SmallWorld.ListedBy(s_sessions[0].Time, 3);
        var e = RunStep(mode, listed.Select(SimulationWorld.ItemId));
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, message, SimulationWorld.ItemId(listed[0])), e.Message);
        Assert.Equal(5, e.Step);
    }

    [Fact]
    public void A_slate_too_long_is_refused()
    {
        var e = RunStep("good", SmallWorld.ListedBy(s_sessions[0].Time, 3).Select(SimulationWorld.ItemId), slateSize: 2);
        Assert.Equal("step 5, session 10000006: items holds 3 products; a slate holds 1 to 2 (slate_size)", e.Message);
    }

    [Theory]
    [InlineData("item_300")]
    [InlineData("item_-1")]
    [InlineData("item_007")]
    [InlineData("item 7")]
    [InlineData("42")]
    public void A_product_not_in_the_catalogue_is_refused(string id)
    {
        var e = RunStep("good", [id]);
        Assert.Equal($"step 5, session 10000006: items[0].item_id \"{id}\" is not a product of the catalogue (item_0 to item_299)", e.Message);
    }

    [Fact]
    public void A_product_not_yet_listed_is_refused()
    {
        var world = SmallWorld.World;
        int late = Enumerable.Range(0, world.ItemCount).MaxBy(i => world.Item(i).ListedAt);
        long listedAt = world.Item(late).ListedAt;
        var step = new PolicyStep(5, listedAt - 3600, listedAt + 3600);
        var session = new PlannedSession(SmallWorld.SessionId(3, 9), 3, listedAt - 1, 8);
        using var folder = new TempDirectory("outside");
        string items = JsonSerializer.Serialize(new[] { SimulationWorld.ItemId(late) });
        using var policy = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "good", items), Children.Options());
        policy.Begin(SmallWorld.Run(StepMode.Slate));
        var e = Assert.Throws<OutsidePolicyException>(() => policy.Choose(step, [session], new StepChoice[1]));
        Assert.Equal(
            $"step 5, session 40000009: items[0].item_id \"item_{late}\" is listed at {SmallWorld.Time(listedAt)}, after the session starts ({SmallWorld.Time(listedAt - 1)})",
            e.Message);

        // The same product a second later is fine.
        var choices = new StepChoice[1];
        policy.Dispose();
        using var again = OutsidePolicy.Open(Children.Spec(folder, Children.Policy, "-", "good", items), Children.Options());
        again.Begin(SmallWorld.Run(StepMode.Slate));
        again.Choose(step, [session with { Time = listedAt }], choices);
        Assert.Equal(late, choices[0].Slate[0].Item);
    }

    private static OutsidePolicyException RunStep(string mode, IEnumerable<string> items, int slateSize = 10) =>
        Children.Refusal(SmallWorld.Run(StepMode.Slate, slateSize: slateSize), s_step, s_sessions, mode, items);
}

using System.Collections.Immutable;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Simulation;
using RecSynth.Tests.Support;

namespace RecSynth.Tests.Bandits;

/// <summary>
/// Stepped runs (docs/outside-policies.md): a step policy chooses each step's sessions at once, before any of them runs,
/// and is told their outcomes after the step; built-in policies under the same one-step delay learn only after a step.
/// </summary>
public sealed class SteppedRunTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static (SimulationWorld World, RecSynthOptions Options) World(int days = 21, int users = 300)
    {
        var options = SimulatedRun.ShortOptions(400, users, days, seed: 11);
        return (SimulationWorld.Build(options, 2, cancellationToken: s_none), options);
    }

    private static ClosedLoopResult Loop(SimulationWorld world, ISessionPolicy policy, StepLength? step, int threads = 2, RecordCollector? records = null) =>
        ClosedLoop.Run(world, new SimulationSetup { Policy = policy, Step = step, Threads = threads }, BanditArms.Two, records, null, s_none);

    [Theory]
    [InlineData(StepLength.Day)]
    [InlineData(StepLength.Hour)]
    public void A_step_policy_chooses_every_session_of_a_step_before_it_runs_and_hears_its_outcomes_after(StepLength length)
    {
        var (world, options) = World(days: length == StepLength.Hour ? 4 : 21);
        var recorder = new RecordingPolicy(_ => (Arm.Image, 1.0));
        var records = new RecordCollector();
        Loop(world, SessionPolicies.Stepped(recorder, StepMode.Arm, [Arm.Cf, Arm.Image], world), length, records: records);

        long stepSeconds = length == StepLength.Hour ? 3600 : 86_400;
        long start = options.Time.StartSeconds, end = options.Time.EndSeconds;
        Assert.Equal("recorder", recorder.Run!.World == world ? "recorder" : "");
        Assert.Equal(length, recorder.Run.Step);
        Assert.Equal(start, recorder.Run.Start);
        Assert.Equal(end, recorder.Run.End);

        // One choose and one outcomes per step of the period, in turn, numbered from 0, then end.
        int steps = (int)((end - start) / stepSeconds);
        Assert.Equal(steps, recorder.Steps.Count);
        Assert.True(recorder.Ended);
        for (int i = 0; i < steps; i++)
        {
            var (step, chosen, outcomes, interactions) = recorder.Steps[i];
            Assert.Equal(new PolicyStep(i, start + i * stepSeconds, start + (i + 1) * stepSeconds), step);

            // Every session of the step, in start order, within the step; outcomes are the same sessions, in the same order.
            Assert.All(chosen, s => Assert.InRange(s.Time, step.From, step.To - 1));
            Assert.Equal(chosen.OrderBy(s => s.Time).ThenBy(s => s.SessionId), chosen);
            Assert.Equal(chosen.Select(s => s.SessionId), outcomes.Select(s => s.SessionId));
            Assert.Equal(chosen.Select(s => s.Time), outcomes.Select(s => s.StartedAt));
            Assert.All(outcomes, s => Assert.Equal((Arm.Image, 1.0), (s.Arm, s.Propensity)));
            Assert.All(interactions, e => Assert.Contains(e.SessionId, chosen.Select(s => s.SessionId)));
            Assert.Equal(interactions.OrderBy(e => e.SessionId).ThenBy(e => e.Position).ThenBy(e => e.Type), interactions);
        }

        // Together the steps hold every session of the run exactly once, and every interaction; each user's sessions are
        // numbered in turn.
        var all = recorder.Steps.SelectMany(s => s.Chosen).ToList();
        Assert.Equal(records.Sessions.Select(s => s.SessionId).Order(), all.Select(s => s.SessionId).Order());
        Assert.Equal(records.Interactions.Count, recorder.Steps.Sum(s => s.Interactions.Length));
        Assert.All(all.GroupBy(s => s.User), user =>
            Assert.Equal(Enumerable.Range(0, user.Count()), user.Select(s => s.SessionsBefore)));
        Assert.All(all, s => Assert.Equal(s.User * 10_000_000L + s.SessionsBefore, s.SessionId));
    }

    [Fact]
    public void A_step_policy_that_always_serves_image_measures_as_the_built_in_fixed_image_under_the_same_delay()
    {
        var (world, _) = World();
        var outside = Loop(world, SessionPolicies.Stepped(new RecordingPolicy(_ => (Arm.Image, 1.0)), StepMode.Arm, [Arm.Cf, Arm.Image], world), StepLength.Day);
        var builtin = Loop(world, SessionPolicies.Bandit(PolicySpec.Parse("fixed:image", PolicyUse.ClosedLoop, "p"), BanditArms.Two, world), StepLength.Day);

        Assert.Equal("recorder", outside.Summary.Policy);
        Assert.Equal(builtin.Days, outside.Days, DailyEqual);
        Assert.Equal(Comparable(builtin.Summary) with { Policy = "" }, Comparable(outside.Summary) with { Policy = "" });
    }

    [Fact]
    public void A_built_in_bandit_under_the_one_step_delay_learns_only_between_steps()
    {
        // Thompson sampling told each reward at once and told them a day later see the same first day (nothing learned
        // yet in either) and then differ; under the delay the result does not depend on the threads.
        var (world, _) = World();
        ISessionPolicy Thompson() => SessionPolicies.Bandit(PolicySpec.Parse("thompson", PolicyUse.ClosedLoop, "p"), BanditArms.Two, world);
        var now = new RecordCollector();
        var delayed = new RecordCollector();
        Loop(world, Thompson(), null, records: now);
        var one = Loop(world, Thompson(), StepLength.Day, threads: 1, records: delayed);
        var two = Loop(world, Thompson(), StepLength.Day, threads: 2);

        long firstDayEnd = world.Options.Time.StartSeconds + 86_400;
        var firstDay = (RecordCollector c) => c.Sessions.Where(s => s.StartedAt < firstDayEnd).Select(s => s.SessionId);
        var users = now.Sessions.Where(s => s.StartedAt < firstDayEnd).GroupBy(s => s.User).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        Assert.NotEmpty(users); // some user has two sessions on the first day: the second one is where immediate learning differs
        Assert.Equal(firstDay(now), firstDay(delayed));
        Assert.NotEqual(now.Sessions.Select(s => s.Arm), delayed.Sessions.Select(s => s.Arm));
        Assert.Equal(one.Days, two.Days, DailyEqual);
        Assert.Equal(Comparable(one.Summary), Comparable(two.Summary));
    }

    [Fact]
    public void A_step_policy_that_serves_an_arm_outside_its_arms_stops_the_run_naming_the_step_and_session()
    {
        var (world, _) = World(days: 7);
        var policy = SessionPolicies.Stepped(new RecordingPolicy(_ => (new Arm(0.3), 0.5)), StepMode.Arm, [Arm.Cf, Arm.Image], world);
        var error = Assert.Throws<StepPolicyException>(() => Loop(world, policy, StepLength.Day));
        Assert.Matches(@"^step \d+, session \d+: .*0\.3.*cf, image", error.Message);
    }

    /// <summary>A summary whose arrays compare by value (the run's arm set compared on its own).</summary>
    private static LoopSummary Comparable(LoopSummary summary)
    {
        Assert.Equal([Arm.Cf, Arm.Image], summary.Arms);
        Assert.Equal([Arm.Cf, Arm.Image], summary.OracleArms);
        return summary with { Arms = [], OracleArms = [], PolicyArms = [] };
    }

    private static bool DailyEqual(DailyMetrics a, DailyMetrics b) =>
        a with { ArmShares = [] } == b with { ArmShares = [] } && a.ArmShares.SequenceEqual(b.ArmShares);

    /// <summary>A step policy that answers each session with <c>choose</c> and records every call.</summary>
    private sealed class RecordingPolicy(Func<PlannedSession, (Arm Arm, double Propensity)> choose) : IStepPolicy
    {
        private (PolicyStep Step, PlannedSession[] Chosen)? _open;

        public StepRun? Run { get; private set; }

        public List<(PolicyStep Step, PlannedSession[] Chosen, SessionRecord[] Outcomes, InteractionRecord[] Interactions)> Steps { get; } = [];

        public bool Ended { get; private set; }

        public string Begin(StepRun run)
        {
            Assert.Null(Run);
            Run = run;
            return "recorder";
        }

        public void Choose(PolicyStep step, ReadOnlySpan<PlannedSession> sessions, Span<StepChoice> choices)
        {
            Assert.Null(_open); // outcomes come before the next choose
            Assert.Equal(sessions.Length, choices.Length);
            _open = (step, sessions.ToArray());
            for (int i = 0; i < sessions.Length; i++)
            {
                var (arm, propensity) = choose(sessions[i]);
                choices[i] = new StepChoice(arm, propensity);
            }
        }

        public void Outcomes(PolicyStep step, ReadOnlySpan<SessionRecord> sessions, ReadOnlySpan<InteractionRecord> interactions)
        {
            Assert.Equal(_open!.Value.Step, step);
            Steps.Add((step, _open.Value.Chosen, sessions.ToArray(), interactions.ToArray()));
            _open = null;
        }

        public void End()
        {
            Assert.Null(_open);
            Ended = true;
        }
    }
}

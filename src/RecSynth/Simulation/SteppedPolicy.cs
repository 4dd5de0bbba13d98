using System.Collections.Immutable;
using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>
/// An <see cref="IStepPolicy"/> as the engine runs it: before each step the run plans the step's sessions and the policy
/// chooses them all (<see cref="ChooseStep"/>); while the step runs, each user's sessions take their choices in turn
/// (<see cref="Choose"/>); after it the policy is told the outcomes. Its best arm for a user is the arm it served last.
/// </summary>
internal sealed class SteppedPolicy : ISessionPolicy
{
    private readonly IStepPolicy _policy;
    private readonly int[] _next; // [user]: index into the step's plan of the user's next session, -1: none
    private readonly sbyte[] _last; // [user]: index into Arms of the arm served last, -1: none yet
    private StepChoice[] _choices = [];
    private int[] _link = []; // [plan index]: the same user's following session in the plan, -1: none
    private string? _name;

    public SteppedPolicy(IStepPolicy policy, StepMode mode, ImmutableArray<Arm> arms, int users)
    {
        _policy = policy;
        Mode = mode;
        Arms = arms;
        _next = new int[users];
        Array.Fill(_next, -1);
        _last = new sbyte[users];
        Array.Fill(_last, (sbyte)-1);
    }

    public string Name => _name ?? "outside";

    public ImmutableArray<Arm> Arms { get; }

    public StepMode Mode { get; }

    public bool Learns => true;

    public void Begin(StepRun run)
    {
        string name = _policy.Begin(run);
        _name = string.IsNullOrWhiteSpace(name) ? throw new StepPolicyException("the step policy gave no name") : name;
    }

    /// <summary>The step's sessions, in start order: the policy chooses each, and each user's sessions are lined up for <see cref="Choose"/>.</summary>
    public void ChooseStep(PolicyStep step, PlannedSession[] plan, int count)
    {
        if (_choices.Length < count)
        {
            _choices = new StepChoice[Math.Max(count, 2 * _choices.Length)];
            _link = new int[_choices.Length];
        }

        var choices = _choices.AsSpan(0, count);
        choices.Clear();
        _policy.Choose(step, plan.AsSpan(0, count), choices);
        for (int i = 0; i < count; i++)
        {
            var choice = choices[i];
            if (Mode == StepMode.Arm && (choice.Arm is not { } arm || !Arms.Contains(arm)))
            {
                throw new StepPolicyException($"step {step.Index}, session {plan[i].SessionId}: the policy {Name} chose {choice.Arm?.Name ?? "no arm"}, which is not one of {string.Join(", ", Arms)}", step.Index);
            }

            if (!(choice.Propensity is > 0 and <= 1))
            {
                throw new StepPolicyException($"step {step.Index}, session {plan[i].SessionId}: the policy {Name} gave the propensity {choice.Propensity}, which is not in (0, 1]", step.Index);
            }
        }

        for (int i = count - 1; i >= 0; i--)
        {
            int user = plan[i].User;
            _link[i] = _next[user];
            _next[user] = i;
        }
    }

    /// <summary>The choice for <paramref name="user"/>'s next session of the step (its sessions run in start order).</summary>
    public ArmChoice Choose(int user, ref PolicyRandom random) => Take(user).Choice;

    /// <summary>The user's next session of the step: its plan index and choice, and the arm served.</summary>
    public (int Index, ArmChoice Choice, StepChoice Given) Take(int user)
    {
        int i = _next[user];
        if (i < 0)
        {
            throw new InvalidOperationException($"user {user} has a session the step did not plan");
        }

        _next[user] = _link[i];
        var given = _choices[i];
        var arm = given.Arm ?? new Arm(0);
        _last[user] = (sbyte)Arms.IndexOf(arm);
        return (i, new ArmChoice(arm, given.Propensity), given);
    }

    public int BestArm(int user) => _last[user];

    public void Outcomes(PolicyStep step, ReadOnlySpan<SessionRecord> sessions, ReadOnlySpan<InteractionRecord> interactions) =>
        _policy.Outcomes(step, sessions, interactions);

    public void End() => _policy.End();
}

/// <summary>A built-in policy under the one-step delay: it learns from a step's sessions only once the step is over.</summary>
internal sealed class DelayedLearning(ISessionPolicy policy) : ISessionPolicy
{
    public ISessionPolicy Inner { get; } = policy;

    public string Name => Inner.Name;

    public ImmutableArray<Arm> Arms => Inner.Arms;

    public bool Learns => Inner.Learns;

    public ArmChoice Choose(int user, ref PolicyRandom random) => Inner.Choose(user, ref random);

    public void Learn(int user, Arm arm, int reward)
    {
        // Held: the run tells the policy after the step (LearnStep).
    }

    /// <summary>The step's sessions, in start order, as if each were learned from at once.</summary>
    public void LearnStep(ReadOnlySpan<SessionRecord> sessions)
    {
        foreach (ref readonly var s in sessions)
        {
            Inner.Learn(s.User, s.Arm, s.Reward);
        }
    }

    public void EndOfDay() => Inner.EndOfDay();

    public int BestArm(int user) => Inner.BestArm(user);
}

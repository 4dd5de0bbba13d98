using System.Collections.Immutable;
using RecSynth.Bandits;
using RecSynth.Behaviour;
using RecSynth.Configuration;

namespace RecSynth.Simulation;

/// <summary>The built-in policies, from their <see cref="PolicySpec"/> (docs/bandits.md).</summary>
public static class SessionPolicies
{
    /// <summary>
    /// A logging policy (<see cref="PolicyUse.Logging"/>): it does not learn, and chooses every arm it has with the same
    /// probability: <c>uniform</c> cf or image, <c>uniform-blend</c> every blend level, <c>fixed:…</c> one arm.
    /// </summary>
    /// <exception cref="OptionsException">The spec is not a logging policy.</exception>
    public static ISessionPolicy Logging(PolicySpec spec, ImmutableArray<double> blendLevels)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            PolicyKind.Uniform => new LoggingPolicy(spec.Text, [Arm.Cf, Arm.Image]),
            PolicyKind.UniformBlend => new LoggingPolicy(spec.Text, [.. blendLevels.Select(level => new Arm(level))]),
            PolicyKind.Fixed => new LoggingPolicy(spec.Text, [spec.FixedArm]),
            _ => throw Refused(spec, PolicyUse.Logging, "behaviour.policy"),
        };
    }

    /// <summary>A bandit of the closed loop (<see cref="PolicyUse.ClosedLoop"/>) over <paramref name="arms"/> of the world's users.</summary>
    /// <exception cref="OptionsException">The spec is not a bandit, or a fixed blend is not one of the blend levels.</exception>
    public static ISessionPolicy Bandit(PolicySpec spec, BanditArms arms, SimulationWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return Bandit(spec, arms, world.Model);
    }

    /// <summary>
    /// A stationary policy that serves each user <paramref name="armOfUser"/>[user] (an index into
    /// <paramref name="arms"/>; -1: every arm alike), e.g. every user's optimal arm of a ground truth. It does not learn;
    /// its best arm for a user is the one it serves.
    /// </summary>
    public static ISessionPolicy PerUser(string name, ImmutableArray<Arm> arms, IReadOnlyList<int> armOfUser)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(armOfUser);
        return new PerUserPolicy(name, arms, [.. armOfUser]);
    }

    internal static BanditPolicy Bandit(PolicySpec spec, BanditArms arms, World world)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var levels = world.Options.Behaviour.BlendLevels;
        if (!PolicySpec.Accepts(PolicyUse.ClosedLoop, spec.Kind))
        {
            throw Refused(spec, PolicyUse.ClosedLoop, "simulation.policy");
        }

        if (spec.CheckLevels(levels) is { } outside)
        {
            throw new OptionsException([new OptionProblem("simulation.policy", spec.Text, outside)]);
        }

        var set = BanditPolicies.ArmsOf(arms, levels);
        int users = world.UserCount;
        return spec.Kind switch
        {
            PolicyKind.Uniform => new UniformPolicy(set, users),
            PolicyKind.Fixed => new FixedPolicy(spec.FixedArm, users),
            PolicyKind.EpsilonGreedy => new EpsilonGreedyPolicy(set, users, spec.Parameter),
            PolicyKind.Ucb1 => new Ucb1Policy(set, users),
            PolicyKind.Thompson => new ThompsonPolicy(set, users),
            PolicyKind.HierarchicalThompson => EmpiricalBayesThompsonPolicy.Hierarchical(set, users),
            PolicyKind.CurveThompson => new CurveThompsonPolicy(set, users),
            _ => EmpiricalBayesThompsonPolicy.Contextual(set, world.UserList, world.AgeGroups.Length, world.Vocabulary.Styles.Length),
        };
    }

    /// <summary>
    /// A policy that chooses a whole step's sessions at once and learns between steps (e.g. one outside RecSynth,
    /// docs/outside-policies.md), over <paramref name="arms"/>, for the world's users. Run it with a
    /// <see cref="SimulationSetup.Step"/> (default: a day); its name is the one <see cref="IStepPolicy.Begin"/> gives.
    /// </summary>
    public static ISessionPolicy Stepped(IStepPolicy policy, StepMode mode, ImmutableArray<Arm> arms, SimulationWorld world)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(world);
        if (arms.IsDefaultOrEmpty)
        {
            throw new ArgumentException("a step policy needs arms to choose among", nameof(arms));
        }

        return new SteppedPolicy(policy, mode, arms, world.UserCount);
    }

    private static OptionsException Refused(PolicySpec spec, PolicyUse use, string keyPath) =>
        new([new OptionProblem(keyPath, spec.Text, "must be one of " + string.Join(", ", PolicySpec.Names(use)))]);
}

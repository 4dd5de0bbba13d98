using System.Collections.Immutable;
using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>
/// What chooses each session's arm: a logging policy (<c>generate</c>), a bandit of the closed loop, or one of your
/// own. The engine asks it to <see cref="Choose"/> for every session, in each user's time order (a user's sessions on
/// one thread at a time, users in parallel); a policy that <see cref="Learns"/> is told each session's reward at once
/// (<see cref="Learn"/>) and the end of each simulated day (<see cref="EndOfDay"/>, alone, between days), and the run
/// then steps day by day. Draw only from the <see cref="PolicyRandom"/> you are given: the same seed then gives the same
/// run on any number of threads.
/// </summary>
public interface ISessionPolicy
{
    /// <summary>The policy's name, as logs and reports show it (e.g. thompson, fixed:0.25).</summary>
    string Name { get; }

    /// <summary>The arms it chooses among.</summary>
    ImmutableArray<Arm> Arms { get; }

    /// <summary>Whether it learns from the sessions' rewards (then <see cref="Learn"/> and <see cref="EndOfDay"/> are called).</summary>
    bool Learns { get; }

    /// <summary>The arm for <paramref name="user"/>'s session (a user index, 0-based) and the probability with which it was chosen.</summary>
    ArmChoice Choose(int user, ref PolicyRandom random);

    /// <summary>The reward (0 or 1) of a session that served <paramref name="arm"/> to <paramref name="user"/>.</summary>
    void Learn(int user, Arm arm, int reward)
    {
    }

    /// <summary>After each simulated day, alone: update what is shared across users.</summary>
    void EndOfDay()
    {
    }

    /// <summary>
    /// The index (into <see cref="Arms"/>) of the arm the policy now believes best for <paramref name="user"/>, or -1
    /// when it cannot say: what the metrics call the best arm found.
    /// </summary>
    int BestArm(int user) => -1;
}

/// <summary>A policy's choice: the arm and the probability with which the policy chose it (its propensity).</summary>
/// <param name="Arm">The arm served.</param>
/// <param name="Propensity">The probability of that choice, in (0, 1].</param>
public readonly record struct ArmChoice(Arm Arm, double Propensity);

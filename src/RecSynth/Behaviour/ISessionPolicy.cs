using RecSynth.Internals;

namespace RecSynth.Behaviour;

/// <summary>Chooses what a session serves. Draws only from the session's own stream, so runs stay reproducible.</summary>
internal interface ISessionPolicy
{
    /// <summary>The arm for <paramref name="user"/>'s session and the probability with which it was chosen.</summary>
    (Arm Arm, double Propensity) Choose(int user, ref EntityRandom random);
}

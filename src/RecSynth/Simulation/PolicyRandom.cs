using RecSynth.Internals;

namespace RecSynth.Simulation;

/// <summary>
/// The random stream a policy draws from for one session: keyed by the run's seed and the session, so that the same
/// seed gives the same draws whatever the threads, and two policies see the same stream for the same session.
/// </summary>
public struct PolicyRandom
{
    internal EntityRandom Source;

    internal PolicyRandom(ulong seed, long sessionId) => Source = new EntityRandom(seed, RandomStream.PolicyDraws, sessionId);

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => Source.NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="n"/>).</summary>
    public int NextInt(int n) => Source.NextInt(n);

    /// <summary>A standard normal variate.</summary>
    public double NextNormal() => Source.NextNormal();

    /// <summary>A Gamma(<paramref name="shape"/>, 1) variate.</summary>
    public double NextGamma(double shape) => Source.NextGamma(shape);

    /// <summary>A Beta(<paramref name="alpha"/>, <paramref name="beta"/>) variate.</summary>
    public double NextBeta(double alpha, double beta) => Source.NextBeta(alpha, beta);
}

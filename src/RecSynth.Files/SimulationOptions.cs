using RecSynth.Bandits;

namespace RecSynth.Files;

/// <summary>The closed loop of <c>recsynth simulate</c>: a bandit serves the sessions instead of the logging policy.</summary>
public sealed record SimulationOptions
{
    /// <summary>The policy, a <see cref="RecSynth.Simulation.PolicySpec"/> of the closed loop (e.g. thompson, fixed:0.25).</summary>
    public string Policy { get; init; } = "thompson";

    /// <summary>
    /// A policy outside RecSynth (e.g. <c>RecSynth.Outside.OutsidePolicy</c>, docs/outside-policies.md), choosing among
    /// <see cref="Arms"/> a step at a time; when set, <see cref="Policy"/> is ignored and the run steps by
    /// <see cref="Step"/> (default: a day). Its name is the one it gives.
    /// </summary>
    public RecSynth.Simulation.IStepPolicy? StepPolicy { get; init; }

    /// <summary>
    /// What <see cref="StepPolicy"/> answers: arms (RecSynth fills the slates at that blend), or the slates themselves
    /// (an outside recommender; the run is then measured over the blend levels, each slate at the blend it served).
    /// </summary>
    public RecSynth.Simulation.StepMode StepMode { get; init; } = RecSynth.Simulation.StepMode.Arm;

    /// <summary>
    /// null: a built-in policy learns from each session at once. A step length: every policy chooses before a step and
    /// learns after it (the one-step delay under which an outside policy runs, and built-in ones beside it).
    /// </summary>
    public RecSynth.Simulation.StepLength? Step { get; init; }

    /// <summary>Two arms or the blend levels.</summary>
    public BanditArms Arms { get; init; } = BanditArms.Two;

    /// <summary>What fills the slates.</summary>
    public Recommender Recommender { get; init; } = Recommender.Oracle;

    /// <summary>An outside recommender for both sources (e.g. a Gorse server); when set, <see cref="Recommender"/> is ignored.</summary>
    public ISlateService? Service { get; init; }

    /// <summary>The slate source these options name.</summary>
    internal RecSynth.Simulation.SlateSource Slates =>
        Service is { } service ? RecSynth.Simulation.SlateSource.Service(service)
        : Recommender == Recommender.Builtin ? RecSynth.Simulation.SlateSource.Learned
        : RecSynth.Simulation.SlateSource.Oracle;
}

/// <summary>What <see cref="DatasetGenerator.Simulate"/> wrote and measured.</summary>
/// <param name="Manifest">The dataset's manifest (metrics.csv among its files).</param>
/// <param name="Loop">The run's metrics against the ground truth.</param>
public sealed record SimulationResult(DatasetManifest Manifest, ClosedLoopResult Loop);

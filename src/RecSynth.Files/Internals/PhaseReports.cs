using RecSynth.Behaviour;

namespace RecSynth.Files.Internals;

/// <summary>The model's phase reports passed on as <see cref="GenerationProgress"/>.</summary>
internal sealed class PhaseReports(IProgress<GenerationProgress> progress) : IProgress<SimulationProgress>
{
    /// <summary>A receiver for the model's reports that passes them to <paramref name="progress"/>; null without one.</summary>
    public static PhaseReports? To(IProgress<GenerationProgress>? progress) => progress is null ? null : new PhaseReports(progress);

    public void Report(SimulationProgress value) =>
        progress.Report(new GenerationProgress(value.Phase, value.Done, value.Total, value.Unit) { Sessions = value.Sessions });
}

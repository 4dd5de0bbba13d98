using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Simulation;

/// <summary>
/// The one entry point of every simulation (generate's behaviour, the closed loop, the re-creation of a log): runs a
/// period of sessions on a <see cref="SimulationWorld"/> under a <see cref="SimulationSetup"/> and hands each finished
/// block of records to an <see cref="ISimulationSink"/>. No files, no console: what the records become is the sink's.
/// </summary>
public static class SimulationEngine
{
    /// <summary>
    /// Runs the world's period under <paramref name="setup"/>, handing the records to <paramref name="sink"/>;
    /// <paramref name="progress"/> hears of the sources being built, then of each week (as <c>behaviour</c>).
    /// </summary>
    /// <exception cref="OptionsException">The setup is invalid: every problem at once, by option path.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static SimulationOutcome Run(
        SimulationWorld world, SimulationSetup setup, ISimulationSink sink, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(sink);
        var behaviour = BehaviourOf(world, setup);
        var problems = setup.Validate(world);
        if (problems.Count > 0)
        {
            throw new OptionsException(problems);
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = setup.Threads, CancellationToken = cancellationToken };
        ulong seed = (ulong)(setup.Seed ?? world.Options.Seed);
        var run = new BehaviourRun(world.Model, behaviour, seed, setup.Policy, parallel, setup.FirstUser, setup.UserCount, progress, setup.Slates, setup.Step)
        {
            Phase = setup.Phase ?? Phases.Behaviour,
        };
        if (setup.Policy is SteppedPolicy stepped)
        {
            var time = world.Options.Time;
            stepped.Begin(new StepRun
            {
                World = world,
                Mode = stepped.Mode,
                Arms = stepped.Arms,
                SlateSize = behaviour.SlateSize,
                Step = setup.Step ?? StepLength.Day,
                Start = time.StartSeconds,
                End = time.EndSeconds,
                Seed = setup.Seed ?? world.Options.Seed,
                Dataset = setup.Dataset,
            });
        }

        run.Run(sink, cancellationToken);
        (setup.Policy as SteppedPolicy)?.End();
        return new SimulationOutcome(run.Truth);
    }

    /// <summary>The setup's behaviour, or the world's, checked against the world's catalogue and users.</summary>
    /// <exception cref="OptionsException">The behaviour options are invalid.</exception>
    internal static BehaviourOptions BehaviourOf(SimulationWorld world, SimulationSetup setup) =>
        setup.Behaviour is { } behaviour ? (world.Options with { Behaviour = behaviour }).EnsureValid().Behaviour : world.Options.Behaviour;
}

/// <summary>What a simulation run leaves besides its records.</summary>
/// <param name="Truth">The ground truth, when the behaviour asked for it (behaviour.ground_truth).</param>
public sealed record SimulationOutcome(GroundTruth? Truth);

using RecSynth.Files;

namespace RecSynth.Cli.Rendering;

/// <summary>
/// One phase (a file, a table, a step of the simulation) as the progress display follows it: its counts, and when it
/// was first and last heard of. Its rate and ETA count only what was done after its first report (a resumed push's
/// acknowledged rows took no time in this run).
/// </summary>
internal sealed class PhaseState
{
    /// <summary>Below this, an unfinished phase has run too short a time for a rate or an ETA to mean anything.</summary>
    private static readonly TimeSpan s_shortestRunning = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly long _startDone;
    private readonly long _startSessions;
    private long _reported;

    public PhaseState(GenerationProgress first, string note, TimeProvider time)
    {
        _time = time;
        _started = _reported = time.GetTimestamp();
        Name = first.File;
        Unit = first.Unit;
        Total = first.Total;
        Done = _startDone = first.Done;
        Sessions = first.Sessions;
        _startSessions = first.Sessions ?? 0;
        Note = note;
    }

    public string Name { get; }

    public string Unit { get; }

    public long Total { get; private set; }

    public long Done { get; private set; }

    /// <summary>Sessions simulated so far, for a phase counted in weeks: its rate is in sessions/s.</summary>
    public long? Sessions { get; private set; }

    /// <summary>Said after the rate, e.g. ", 2 retries".</summary>
    public string Note { get; private set; }

    public bool Finished => Done >= Total;

    /// <summary>From the first report to the latest.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started, _reported);

    /// <summary>When the latest plain line about the phase was written, as <see cref="Elapsed"/> then.</summary>
    public TimeSpan? LastLine { get; set; }

    /// <summary>Takes a later report in; counts that arrive out of order never move the phase back.</summary>
    public void Update(GenerationProgress value, string note)
    {
        _reported = _time.GetTimestamp();
        Total = value.Total;
        Done = Math.Max(Done, value.Done);
        Sessions = value.Sessions is { } sessions ? Math.Max(Sessions ?? 0, sessions) : null;
        Note = note;
    }

    /// <summary>
    /// Units per second of the phase's own unit, or sessions per second for a phase counted in weeks (a week is too
    /// coarse to count in); null before there is anything to divide (no units yet, or too short a time).
    /// </summary>
    public (double PerSecond, string Unit)? Rate()
    {
        var elapsed = Elapsed;
        long count = Sessions is { } sessions ? sessions - _startSessions : Done - _startDone;
        // A running phase needs a second before its rate means anything; a finished one's is its average over the
        // whole phase, as in push's summary.
        if (!Finished && elapsed < s_shortestRunning || ProgressDisplay.Rate(count, elapsed) is not double perSecond)
        {
            return null;
        }

        return (perSecond, Sessions is null ? Unit : "sessions");
    }

    /// <summary>Time left at the pace so far, counted down since the latest report; null when finished or unknown.</summary>
    public TimeSpan? Remaining()
    {
        var elapsed = Elapsed;
        long moved = Done - _startDone;
        if (Finished || moved <= 0 || elapsed < s_shortestRunning)
        {
            return null;
        }

        double seconds = (Total - Done) * elapsed.TotalSeconds / moved - _time.GetElapsedTime(_reported).TotalSeconds;
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}

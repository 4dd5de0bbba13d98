using System.Globalization;
using RecSynth.Configuration;

namespace RecSynth.Outside;

/// <summary>
/// How RecSynth talks to an outside policy (docs/outside-policies.md): how long it waits for an answer, how many sessions
/// go into one message, where a child's stderr goes, how hard an HTTP service is tried, and when to give up.
/// </summary>
public sealed record OutsidePolicyOptions
{
    /// <summary>
    /// The longest one answer may take (<c>--policy-timeout</c>): for exec, from sending a message to its answer line;
    /// for HTTP, each attempt (a timed-out attempt is retried). Default 30 s; at most a day.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most sessions in one <c>choose</c> or <c>outcomes</c> message (<c>--policy-batch</c>); a larger step is sent in several. Default 10,000.</summary>
    public int Batch { get; init; } = 10_000;

    /// <summary>Where an exec child's stderr is passed through, line by line; default <see cref="Console.Error"/>; null drops it.</summary>
    public TextWriter? StandardError { get; init; } = Console.Error;

    /// <summary>HTTP: attempts per message, the first included, before a transient failure (5xx, 429, time-out, dropped connection) stops the run. Default 6.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>HTTP: the back-off before the first retry; it doubles per retry, with jitter. Default 0.2 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>HTTP: the longest back-off. Default 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stops every wait (an answer, a retry's back-off, a child's exit) with <see cref="OperationCanceledException"/>, e.g. on Ctrl+C.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>What is wrong with these options, each problem named by its option path and valid range; empty when they are valid.</summary>
    public IReadOnlyList<OptionProblem> Validate()
    {
        var problems = new List<OptionProblem>();
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromDays(1))
        {
            problems.Add(new("simulation.policy_timeout", Seconds(Timeout), "must be more than 0 s and at most a day (86400 s)"));
        }

        if (Batch < 1)
        {
            problems.Add(new("simulation.policy_batch", Batch.ToString(CultureInfo.InvariantCulture), "must be at least 1 (sessions per message)"));
        }

        if (MaxAttempts is < 1 or > 100)
        {
            problems.Add(new("simulation.policy_attempts", MaxAttempts.ToString(CultureInfo.InvariantCulture), "must be in [1, 100] (HTTP attempts per message)"));
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromDays(1))
        {
            problems.Add(new("simulation.policy_retry_delay", Seconds(RetryDelay), "must be in [0 s, 86400 s]"));
        }

        if (MaxRetryDelay < RetryDelay || MaxRetryDelay > TimeSpan.FromDays(1))
        {
            problems.Add(new("simulation.policy_max_retry_delay", Seconds(MaxRetryDelay), $"must be in [{Seconds(RetryDelay)}, 86400 s] (at least the retry delay)"));
        }

        return problems;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}

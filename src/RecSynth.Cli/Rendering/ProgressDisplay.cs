using System.Globalization;
using RecSynth.Files;
using RecSynth.Gorse;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RecSynth.Cli.Rendering;

/// <summary>
/// Progress on stderr: a live display (rows, rate, ETA) on a terminal; plain lines, at most one every few
/// seconds per file plus one when it completes, when stderr is a file or pipe; nothing with --quiet.
/// </summary>
internal static class ProgressDisplay
{
    public static T Run<T>(Consoles console, bool quiet, Func<IProgress<GenerationProgress>?, T> work)
    {
        if (quiet)
        {
            return work(null);
        }

        if (!console.ErrIsTerminal)
        {
            return work(new PlainLines(console.StdErr, TimeSpan.FromSeconds(5)));
        }

        T result = default!;
        console.Err.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new RowsColumn(), new RateColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new Live(context)));
        return result;
    }

    /// <summary>The same display for a push (one line per table, with its retries) or its read-back ("verify users").</summary>
    public static async Task<T> RunAsync<T>(Consoles console, bool quiet, Func<IGorseProgress?, Task<T>> work)
    {
        if (quiet)
        {
            return await work(null).ConfigureAwait(false);
        }

        if (!console.ErrIsTerminal)
        {
            return await work(new PlainLines(console.StdErr, TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        T result = default!;
        await console.Err.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new RowsColumn(), new RateColumn(), new RemainingTimeColumn())
            .StartAsync(async context => result = await work(new Live(context)).ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// "recsynth: PUT /api/feedback answered 503 Service Unavailable; retry 1 of 6 in 0.5 s" on stderr as each retry is
    /// decided (above the live display on a terminal); nothing with --quiet.
    /// </summary>
    public static Action<GorseRetry>? RetryLines(Consoles console, bool quiet)
    {
        if (quiet)
        {
            return null;
        }

        var gate = new Lock();
        return retry =>
        {
            string line = string.Create(CultureInfo.InvariantCulture,
                $"recsynth: {retry.Request} {retry.Outcome}; retry {retry.Number} of {retry.MaxRetries} in {retry.Delay.TotalSeconds:0.0} s");
            lock (gate)
            {
                console.Err.WriteLine(line);
            }
        };
    }

    /// <summary>Below this, a time is too short for a rate to mean anything.</summary>
    private static readonly TimeSpan s_shortest = TimeSpan.FromMilliseconds(1);

    /// <summary>Rows per second, or null when there is nothing to divide: no rows, or no time to speak of.</summary>
    internal static double? Rate(long rows, TimeSpan elapsed) => rows > 0 && elapsed >= s_shortest ? rows / elapsed.TotalSeconds : null;

    private static string Retries(long retries) => retries == 1 ? "1 retry" : string.Create(CultureInfo.InvariantCulture, $"{retries:N0} retries");

    /// <summary>What the display of a push takes: the push's progress and its read-back's.</summary>
    internal interface IGorseProgress : IProgress<GorsePushProgress>, IProgress<GorseVerifyProgress>
    {
    }

    private sealed class Live(ProgressContext context) : IProgress<GenerationProgress>, IGorseProgress
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(GenerationProgress value) => Report(value, null, fromFirst: false);

        public void Report(GorsePushProgress value) => Report(new(value.Table, value.Done, value.Total), $"{value.Table} ({Retries(value.Retries)})", fromFirst: true);

        public void Report(GorseVerifyProgress value) => Report(new("verify " + value.Table, value.Checked, value.Total), null, fromFirst: true);

        private void Report(GenerationProgress value, string? description, bool fromFirst)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.File, out var task))
                {
                    task = context.AddTask(value.File, maxValue: Math.Max(1, value.Total));
                    s_units.AddOrUpdate(task, value.Unit);
                    _tasks[value.File] = task;
                    if (fromFirst)
                    {
                        // Where this run starts (a resume's acknowledged rows) is not speed: set it without a sample.
                        int kept = task.MaxSamplesKept;
                        task.MaxSamplesKept = 0;
                        task.Value = value.Done;
                        task.MaxSamplesKept = kept;
                    }
                }

                task.Value = value.Done;
                if (description is not null)
                {
                    task.Description = description;
                }
            }
        }
    }

    /// <summary>Lines such as "recsynth: embeddings.npy 45,000/100,000 rows (45%), 210,000 rows/s, ETA 3s".</summary>
    internal sealed class PlainLines(TextWriter writer, TimeSpan interval, TimeProvider? time = null) : IProgress<GenerationProgress>, IGorseProgress
    {
        private readonly TimeProvider _time = time ?? TimeProvider.System;
        private readonly Dictionary<string, (long Started, TimeSpan LastLine, long Start)> _files = [];

        public void Report(GenerationProgress value) => Report(value, "", fromFirst: false);

        /// <summary>"recsynth: feedback 12,000/40,000 rows (30%), 95,000 rows/s, 2 retries, ETA 0.3s".</summary>
        public void Report(GorsePushProgress value) => Report(new(value.Table, value.Done, value.Total), ", " + Retries(value.Retries), fromFirst: true);

        /// <summary>"recsynth: verify feedback 40,000/40,000 rows (100%), 120,000 rows/s, done in 0.3s".</summary>
        public void Report(GorseVerifyProgress value) => Report(new("verify " + value.Table, value.Checked, value.Total), "", fromFirst: true);

        /// <param name="value">The progress.</param>
        /// <param name="note">Added after the rate.</param>
        /// <param name="fromFirst">
        /// The first report of a file is where this run starts (a resume's acknowledged rows): the rate counts only the
        /// rows after it, and is left out when there are none.
        /// </param>
        private void Report(GenerationProgress value, string note, bool fromFirst)
        {
            lock (_files)
            {
                if (!_files.TryGetValue(value.File, out var state))
                {
                    state = (_time.GetTimestamp(), TimeSpan.Zero, fromFirst ? value.Done : 0);
                }

                var elapsed = _time.GetElapsedTime(state.Started);
                bool done = value.Done >= value.Total;
                if (done || elapsed - state.LastLine >= interval)
                {
                    double? rate = fromFirst ? Rate(value.Done - state.Start, elapsed) : value.Done / Math.Max(elapsed.TotalSeconds, 1e-3);
                    string speed = rate is { } r ? string.Create(CultureInfo.InvariantCulture, $", {r:N0} {value.Unit}/s") : "";
                    string eta = done ? $"done in {Seconds(elapsed.TotalSeconds)}"
                        : rate is { } v ? "ETA " + Seconds((value.Total - value.Done) / Math.Max(v, 1e-9))
                        : "ETA unknown";
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"recsynth: {value.File} {value.Done:N0}/{value.Total:N0} {value.Unit} ({100.0 * value.Done / Math.Max(1, value.Total):0}%){speed}{note}, {eta}"));
                    writer.Flush();
                    state.LastLine = elapsed;
                }

                _files[value.File] = state;
            }
        }

        private static string Seconds(double s) => s < 60
            ? s.ToString("0.0", CultureInfo.InvariantCulture) + "s"
            : TimeSpan.FromSeconds(Math.Round(s)).ToString("c", CultureInfo.InvariantCulture);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProgressTask, string> s_units = [];

    private static string Unit(ProgressTask task) => s_units.TryGetValue(task, out string? unit) ? unit : "rows";

    private sealed class RowsColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:N0}/{task.MaxValue:N0} {Unit(task)}"));
    }

    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double speed and > 0 ? string.Create(CultureInfo.InvariantCulture, $"{speed:N0} {Unit(task)}/s") : "");
    }
}

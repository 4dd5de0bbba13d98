using System.Globalization;
using RecSynth.Behaviour;
using RecSynth.Files;
using RecSynth.Gorse;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RecSynth.Cli.Rendering;

/// <summary>
/// Progress on stderr: a live display (a row per phase: name, bar, counts, rate, ETA) on a terminal, fitted to its width; plain
/// lines when stderr is a file or pipe, at most 80 columns, one per phase after a second and then every 5 s, plus one
/// when it is done;
/// nothing with --quiet. Both show the same words (<see cref="ProgressText"/>).
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan s_lineInterval = TimeSpan.FromSeconds(5);

    public static T Run<T>(Consoles console, bool quiet, Func<IPhaseDisplay?, T> work)
    {
        if (quiet)
        {
            return work(null);
        }

        return IsLive(console) ? RunLive(console.Err, TimeProvider.System, work) : work(new PlainLines(console.StdErr, s_lineInterval));
    }

    /// <summary>
    /// Whether stderr takes the live display: a terminal that can redraw it (not, e.g., with input from a file, where
    /// Spectre would print lines of its own: the plain lines say more).
    /// </summary>
    private static bool IsLive(Consoles console) => console.ErrIsTerminal && console.Err.Profile.Capabilities is { Interactive: true, Ansi: true };

    /// <summary>The same display for a push (one row per table, with its retries) or its read-back ("verify users").</summary>
    public static async Task<T> RunAsync<T>(Consoles console, bool quiet, Func<IPhaseDisplay?, Task<T>> work)
    {
        if (quiet)
        {
            return await work(null).ConfigureAwait(false);
        }

        if (!IsLive(console))
        {
            return await work(new PlainLines(console.StdErr, s_lineInterval)).ConfigureAwait(false);
        }

        T result = default!;
        var layout = new Layout();
        await Progress(console.Err, layout).StartAsync(async context => result = await work(new Live(context, console.Err, TimeProvider.System, layout)).ConfigureAwait(false))
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>The live display on <paramref name="console"/> (a terminal, or a test's console of a fixed width).</summary>
    internal static T RunLive<T>(IAnsiConsole console, TimeProvider time, Func<IPhaseDisplay, T> work)
    {
        T result = default!;
        var layout = new Layout();
        Progress(console, layout).Start(context => result = work(new Live(context, console, time, layout)));
        return result;
    }

    private static Progress Progress(IAnsiConsole console, Layout layout) => console.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new DescriptionColumn(), new ProgressBarColumn { Width = Layout.BarWidth }, new StatusColumn(layout));

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

    /// <summary>
    /// What a display takes: the files and phases of generate, simulate, evaluate and merge, the model's phases
    /// (compare), a push and its read-back; and a line of its own between phases.
    /// </summary>
    internal interface IPhaseDisplay : IProgress<GenerationProgress>, IProgress<SimulationProgress>, IProgress<GorsePushProgress>, IProgress<GorseVerifyProgress>
    {
        /// <summary>A line of text above the display (e.g. which run of a comparison starts).</summary>
        void Say(string line);
    }

    /// <summary>The phases being shown, by name; a phase that is done and starts again (the next run of a comparison) starts afresh.</summary>
    internal abstract class Phases(TimeProvider time, Lock gate) : IPhaseDisplay
    {
        private readonly Dictionary<string, PhaseState> _phases = [];

        protected TimeProvider Time { get; } = time;

        /// <summary>Held while a report is taken in (reports come from any thread).</summary>
        protected Lock Gate { get; } = gate;

        public void Report(GenerationProgress value) => Take(value, "");

        public void Report(SimulationProgress value) => Take(new(value.Phase, value.Done, value.Total, value.Unit) { Sessions = value.Sessions }, "");

        public void Report(GorsePushProgress value) => Take(new(value.Table, value.Done, value.Total), ", " + Retries(value.Retries));

        public void Report(GorseVerifyProgress value) => Take(new("verify " + value.Table, value.Checked, value.Total), "");

        public abstract void Say(string line);

        /// <param name="value">The report.</param>
        /// <param name="note">Said after the rate.</param>
        private void Take(GenerationProgress value, string note)
        {
            lock (Gate)
            {
                if (_phases.TryGetValue(value.File, out var phase) && !(phase.Finished && value.Done < value.Total))
                {
                    bool wasFinished = phase.Finished;
                    phase.Update(value, note);
                    Updated(phase, wasFinished);
                    return;
                }

                phase = new PhaseState(value, note, Time);
                _phases[value.File] = phase;
                Updated(phase, wasFinished: false);
            }
        }

        /// <summary>After a report, under the lock.</summary>
        protected abstract void Updated(PhaseState phase, bool wasFinished);
    }

    /// <summary>
    /// What the live display's columns read: each row's phase, and the widths: the names' (fixed, so that the columns
    /// stay put as phases come), the bar's, and the status's, what is left of the console's width.
    /// </summary>
    private sealed class Layout
    {
        /// <summary>The width of the names: "interactions.parquet" (longer ones end in "…").</summary>
        public const int Description = 20;
        public const int BarWidth = 10;
        private readonly Dictionary<ProgressTask, PhaseState> _rows = [];

        /// <summary>Held while a report is taken in and while a row is drawn.</summary>
        public Lock Gate { get; } = new();

        /// <summary>Under <see cref="Gate"/>.</summary>
        public void Show(ProgressTask task, PhaseState phase) => _rows[task] = phase;

        public string Status(ProgressTask task, RenderOptions options)
        {
            lock (Gate)
            {
                return _rows.TryGetValue(task, out var phase) ? ProgressText.Status(phase, percent: true, StatusWidth(options)) : "";
            }
        }

        /// <summary>What is left of the console's width for the status (each column but the last is followed by a space).</summary>
        public static int StatusWidth(RenderOptions options) => Math.Max(12, options.ConsoleSize.Width - (Description + 1) - (BarWidth + 1));
    }

    private sealed class Live(ProgressContext context, IAnsiConsole console, TimeProvider time, Layout layout) : Phases(time, layout.Gate)
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public override void Say(string line) => console.WriteLine(line);

        protected override void Updated(PhaseState phase, bool wasFinished)
        {
            if (!_tasks.TryGetValue(phase.Name, out var task))
            {
                task = context.AddTask(phase.Name, maxValue: 1);
                task.MaxSamplesKept = 0; // the rate is the phase's own (sessions for weeks), not Spectre's
                _tasks[phase.Name] = task;
            }

            layout.Show(task, phase);
            task.MaxValue = Math.Max(1, phase.Total);
            task.Value = phase.Total <= 0 ? 1 : phase.Done;
        }
    }

    /// <summary>Lines such as "recsynth: embeddings.npy 45,000/100,000 rows (45%), 210,000 rows/s, ETA 0:03".</summary>
    internal sealed class PlainLines(TextWriter writer, TimeSpan interval, TimeProvider? time = null) : Phases(time ?? TimeProvider.System, new Lock())
    {
        public override void Say(string line)
        {
            lock (Gate)
            {
                writer.WriteLine(line);
                writer.Flush();
            }
        }

        protected override void Updated(PhaseState phase, bool wasFinished)
        {
            // A phase that lasts says so after a second (so a log is never silent for long), then every interval.
            var elapsed = phase.Elapsed;
            bool due = phase.Finished ? !wasFinished : elapsed >= (phase.LastLine is { } last ? last + interval : TimeSpan.FromSeconds(Math.Min(1, interval.TotalSeconds)));
            if (!due)
            {
                return;
            }

            writer.WriteLine(ProgressText.Line(phase));
            writer.Flush();
            phase.LastLine = elapsed;
        }
    }

    private sealed class DescriptionColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override int? GetColumnWidth(RenderOptions options) => Layout.Description;

        // Cut here: Spectre would wrap a name of several words in a column too narrow for it rather than end it in "…".
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Description.Length <= Layout.Description ? task.Description : task.Description[..(Layout.Description - 1)] + "…").Justify(Justify.Right);
    }

    /// <summary>The counts, rate and ETA, in the width the other columns leave.</summary>
    private sealed class StatusColumn(Layout layout) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override int? GetColumnWidth(RenderOptions options) => Layout.StatusWidth(options);

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(layout.Status(task, options));
    }
}

using RecSynth.Simulation;
using RecSynth.Testing;

namespace RecSynth.Outside.Tests.Support;

/// <summary>
/// Outside policies as small Python scripts (stdlib only) in a temp folder. Debian's /usr/bin/python3 is there in CI
/// (.ci/run installs it); elsewhere a missing one skips the test.
/// </summary>
internal static class Children
{
    /// <summary>
    /// A policy with a behaviour: <c>policy.py LOG MODE [ARG]</c> appends every line it reads to LOG (or not, for "-") and
    /// answers as MODE says. "good": each session gets arm (session number % arms), propensity 1/arms; in slate mode the
    /// items of ARG (a JSON list of ids), source cf. Every other mode is good but for one fault, in the first choose message.
    /// </summary>
    public const string Policy = """
        import json, os, sys, time

        log = None if sys.argv[1] == '-' else open(sys.argv[1], 'a', encoding='utf-8')
        mode = sys.argv[2]
        items = json.loads(sys.argv[3]) if len(sys.argv) > 3 else []
        sys.stderr.write('policy ' + mode + ' started\n')
        sys.stderr.flush()
        arms, slate, chooses = [], False, 0

        def answer(obj):
            sys.stdout.write(json.dumps(obj) + '\n')
            sys.stdout.flush()

        for line in sys.stdin:
            if log:
                log.write(line)
                log.flush()
            msg = json.loads(line)
            kind = msg['type']
            if kind == 'hello':
                arms, slate = msg['arms'], msg['mode'] == 'slate'
                if mode == 'pid':
                    with open(items[0], 'w') as f:
                        f.write(str(os.getpid()))
                answer({} if mode == 'no-name' else {'name': 'py-' + mode})
                continue
            if kind != 'choose':
                answer({'error': 'outcomes refused'} if mode == 'error-outcomes' and kind == 'outcomes' else {})
                continue
            chooses += 1
            first = chooses == 1
            if first and mode in ('hang', 'pid'):
                time.sleep(3600)
            if first and mode == 'crash':
                sys.stderr.write('Traceback: boom\n')
                sys.stderr.flush()
                sys.exit(3)
            if first and mode == 'malformed':
                sys.stdout.write('{"choices": [oops\n')
                sys.stdout.flush()
                continue
            if first and mode == 'error':
                answer({'error': 'model not loaded'})
                continue
            entries = []
            for s in msg['sessions']:
                sid = s['session_id']
                if slate:
                    entries.append({'session_id': sid, 'items': [{'item_id': i, 'source': 'cf'} for i in items]})
                else:
                    n = int(sid) % 10_000_000
                    entries.append({'session_id': sid, 'arm': arms[n % len(arms)], 'propensity': 1 / len(arms)})
            if first and entries:
                e = entries[0]
                if mode == 'unknown-arm': e['arm'] = '0.3'
                if mode == 'propensity-0': e['propensity'] = 0
                if mode == 'propensity-1.5': e['propensity'] = 1.5
                if mode == 'propensity-string': e['propensity'] = '0.2'
                if mode == 'no-propensity': del e['propensity']
                if mode == 'missing': entries.pop()
                if mode == 'duplicate': entries.append(dict(entries[0]))
                if mode == 'unknown-session': e['session_id'] = '999'
                if mode == 'slate-arm': e['arm'], e['propensity'] = '0.5', 0.25
                if mode == 'slate-bad-arm': e['arm'] = 'blend'
                if mode == 'slate-source': e['items'][0]['source'] = 'popular'
                if mode == 'slate-repeat': e['items'].append(dict(e['items'][0]))
                if mode == 'slate-empty': e['items'] = []
            answer({'slates' if slate else 'choices': entries})
        """;

    public static void RequirePython()
    {
        if (!File.Exists(Python.Interpreter))
        {
            if (Ci.IsRunning)
            {
                Assert.Fail($"CI=true but {Python.Interpreter} is missing: install python3");
            }

            Assert.Skip($"{Python.Interpreter} not found");
        }
    }

    /// <summary>Writes <paramref name="script"/> into <paramref name="folder"/> and returns the exec: spec that runs it with <paramref name="arguments"/>.</summary>
    public static string Spec(TempDirectory folder, string script, params string[] arguments)
    {
        RequirePython();
        string path = folder.File("policy.py");
        File.WriteAllText(path, script);
        return "exec:" + Python.Interpreter + " " + Quote(path) + string.Concat(arguments.Select(a => " " + Quote(a)));
    }

    /// <summary>Options for a test: a generous time-out, the child's stderr dropped unless wanted, the test's cancellation.</summary>
    public static OutsidePolicyOptions Options(TextWriter? stderr = null) => new()
    {
        Timeout = TimeSpan.FromSeconds(20),
        StandardError = stderr ?? TextWriter.Null,
        Cancellation = TestContext.Current.CancellationToken,
    };

    /// <summary>
    /// Runs <see cref="Policy"/> in <paramref name="mode"/> (with <paramref name="items"/> for a slate) through hello and one
    /// choose of <paramref name="sessions"/>, and returns the exception the choose stops the run with.
    /// </summary>
    public static OutsidePolicyException Refusal(StepRun run, PolicyStep step, PlannedSession[] sessions, string mode,
        IEnumerable<string>? items = null, OutsidePolicyOptions? options = null)
    {
        using var folder = new TempDirectory("outside");
        string[] arguments = items is null ? ["-", mode] : ["-", mode, System.Text.Json.JsonSerializer.Serialize(items.ToArray())];
        using var policy = OutsidePolicy.Open(Spec(folder, Policy, arguments), options ?? Options());
        policy.Begin(run);
        return Assert.Throws<OutsidePolicyException>(() => policy.Choose(step, sessions, new StepChoice[sessions.Length]));
    }

    /// <summary>A POSIX shell's single quotes.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

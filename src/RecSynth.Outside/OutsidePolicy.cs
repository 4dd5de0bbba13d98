using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using RecSynth.Behaviour;
using RecSynth.Configuration;
using RecSynth.Outside.Internals;
using RecSynth.Simulation;

namespace RecSynth.Outside;

/// <summary>
/// A policy, or a whole recommender, that lives outside RecSynth, driven through the outside-policy protocol, version 1
/// (docs/outside-policies.md): a child process (<c>exec:COMMAND ARG…</c>) or an HTTP service (<c>http://HOST:PORT/PATH</c>).
/// Each <see cref="IStepPolicy"/> call is one or more messages (<c>hello</c>, <c>choose</c>, <c>outcomes</c>, <c>end</c>),
/// each answered before the next is sent; an answer that breaks the protocol's rules, an <c>{"error":…}</c>, a time-out or
/// a refused request stops the run with an <see cref="OutsidePolicyException"/>. Dispose it in every case: a child still
/// running then is killed.
/// </summary>
public sealed class OutsidePolicy : IStepPolicy, IDisposable
{
    /// <summary>The protocol version this client speaks (hello's <c>protocol</c>).</summary>
    public const int Protocol = 1;

    private const string ExecPrefix = "exec:";

    private readonly IOutsideTransport _transport;
    private readonly int _batch;
    private readonly Dictionary<long, int> _sessionIndex = [];
    private MessageWriter? _writer;
    private AnswerReader? _reader;
    private State _state;
    private int[] _events = [];
    private int[] _firstEvent = [];

    private OutsidePolicy(OutsidePolicySpec spec, IOutsideTransport transport, OutsidePolicyOptions options)
    {
        Spec = spec;
        _transport = transport;
        _batch = options.Batch;
    }

    private enum State
    {
        Opened,
        Running,
        Ended,
        Failed,
        Disposed,
    }

    /// <summary>Where the policy is.</summary>
    public OutsidePolicySpec Spec { get; }

    /// <summary>The exec child's process id; null for HTTP.</summary>
    internal int? ProcessId => (_transport as ExecTransport)?.ProcessId;

    /// <summary>
    /// Whether <paramref name="spec"/> names an outside policy rather than a built-in one: it begins with <c>exec:</c>,
    /// <c>http:</c> or <c>https:</c>. Such a spec is for <see cref="TryParse"/> (which says what is wrong with it), not
    /// for the built-in policies' grammar.
    /// </summary>
    public static bool IsOutside(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.StartsWith(ExecPrefix, StringComparison.Ordinal)
            || spec.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
            || spec.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Parses an outside policy's spec: <c>exec:COMMAND ARG…</c> (split as a POSIX shell would, with no shell run) or an
    /// <c>http://</c> or <c>https://</c> URL with a host. The error says what is wrong, without repeating the spec.
    /// </summary>
    public static bool TryParse(string spec, [NotNullWhen(true)] out OutsidePolicySpec? parsed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        parsed = null;
        if (spec.StartsWith(ExecPrefix, StringComparison.Ordinal))
        {
            var words = CommandLine.Split(spec[ExecPrefix.Length..], out error);
            if (words is null)
            {
                error = "exec: " + error;
                return false;
            }

            if (words.Value.IsEmpty || words.Value[0].Length == 0)
            {
                error = "exec: needs a command after it, e.g. exec:python3 policy.py";
                return false;
            }

            parsed = new OutsidePolicySpec(spec, words.Value, null);
            return true;
        }

        if (!IsOutside(spec))
        {
            error = "is neither exec:COMMAND ARG… nor an http:// or https:// URL";
            return false;
        }

        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
            || !spec.Contains("//", StringComparison.Ordinal))
        {
            error = "is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/policy";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "may not have a query or fragment: each message is POSTed to the URL's path with its type appended (…/hello, …/choose)";
            return false;
        }

        error = null;
        parsed = new OutsidePolicySpec(spec, [], uri);
        return true;
    }

    /// <summary>Opens the outside policy of <paramref name="spec"/>: starts the child (exec), or readies the client (HTTP).</summary>
    /// <exception cref="OptionsException">The spec (at <c>simulation.policy</c>) or the options are invalid.</exception>
    /// <exception cref="OutsidePolicyException">The child cannot be started.</exception>
    public static OutsidePolicy Open(string spec, OutsidePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TryParse(spec, out var parsed, out string? error)
            ? Open(parsed, options)
            : throw new OptionsException([new OptionProblem("simulation.policy", spec, error)]);
    }

    /// <summary>Opens the outside policy of a parsed <paramref name="spec"/>.</summary>
    /// <exception cref="OptionsException">The options are invalid.</exception>
    /// <exception cref="OutsidePolicyException">The child cannot be started.</exception>
    public static OutsidePolicy Open(OutsidePolicySpec spec, OutsidePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new OptionsException(problems);
        }

        IOutsideTransport transport = spec.Endpoint is { } endpoint
            ? new HttpTransport(endpoint, options)
            : ExecTransport.Start(spec.Command, options);
        return new OutsidePolicy(spec, transport, options);
    }

    /// <summary><c>hello</c>: tells the policy what the run is; returns the name it answers with.</summary>
    public string Begin(StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Expect(State.Opened, nameof(Begin));
        if (run.Arms.IsDefaultOrEmpty || run.SlateSize < 1)
        {
            throw new ArgumentException("a run needs at least one arm and a slate size of at least 1", nameof(run));
        }

        try
        {
            _writer = new MessageWriter(run);
            _reader = new AnswerReader(run);
            using var answer = Exchange(_writer.Hello("hello", run), MessageLabel.Hello);
            string name = AnswerReader.Name(answer.RootElement);
            _state = State.Running;
            return name;
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary><c>choose</c>: the step's sessions, in messages of at most <see cref="OutsidePolicyOptions.Batch"/>, each answer checked.</summary>
    public void Choose(PolicyStep step, ReadOnlySpan<PlannedSession> sessions, Span<StepChoice> choices)
    {
        Expect(State.Running, nameof(Choose));
        if (choices.Length != sessions.Length)
        {
            throw new ArgumentException($"holds {choices.Length} choices for {sessions.Length} sessions", nameof(choices));
        }

        try
        {
            var label = new MessageLabel("choose", step.Index);
            int batches = Batches(sessions.Length);
            for (int b = 0; b < batches; b++)
            {
                var (first, count) = Batch(b, sessions.Length);
                var batch = sessions.Slice(first, count);
                using var answer = Exchange(_writer!.Choose(RequestId("choose", step, b), step, batch), label);
                _reader!.Choices(answer.RootElement, label, batch, choices.Slice(first, count));
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary><c>outcomes</c>: the step's sessions with their events, split as <see cref="Choose"/> split them.</summary>
    public void Outcomes(PolicyStep step, ReadOnlySpan<SessionRecord> sessions, ReadOnlySpan<InteractionRecord> interactions)
    {
        Expect(State.Running, nameof(Outcomes));
        GroupEvents(sessions, interactions);
        try
        {
            var label = new MessageLabel("outcomes", step.Index);
            int batches = Batches(sessions.Length);
            for (int b = 0; b < batches; b++)
            {
                var (first, count) = Batch(b, sessions.Length);
                var message = _writer!.Outcomes(RequestId("outcomes", step, b), step, sessions.Slice(first, count), interactions, _events,
                    _firstEvent.AsSpan(first, count + 1));
                Exchange(message, label).Dispose();
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary><c>end</c>; then a child gets the end of its input and 10 s to exit before it is killed.</summary>
    public void End()
    {
        Expect(State.Running, nameof(End));
        try
        {
            Exchange(_writer!.End("end"), MessageLabel.End).Dispose();
            _transport.Close();
            _state = State.Ended;
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>Lets the policy go; a child still running (after an error or a cancellation) is killed with its descendants.</summary>
    public void Dispose()
    {
        if (_state != State.Disposed)
        {
            _state = State.Disposed;
            _transport.Dispose();
            _writer?.Dispose();
        }
    }

    private JsonDocument Exchange(ReadOnlyMemory<byte> message, MessageLabel label) => AnswerReader.Parse(_transport.Send(message, label), label);

    private void Expect(State state, string call)
    {
        if (_state != state)
        {
            throw _state switch
            {
                State.Disposed => new ObjectDisposedException(nameof(OutsidePolicy)),
                State.Failed => new InvalidOperationException($"{call}: the outside policy {Spec} has already stopped the run"),
                _ => new InvalidOperationException($"{call} out of order: the calls are Begin, then Choose and Outcomes per step, then End"),
            };
        }
    }

    /// <summary>Groups the step's interactions by session, in the order the sessions come, each session's in the order given.</summary>
    private void GroupEvents(ReadOnlySpan<SessionRecord> sessions, ReadOnlySpan<InteractionRecord> interactions)
    {
        _sessionIndex.Clear();
        for (int i = 0; i < sessions.Length; i++)
        {
            _sessionIndex.TryAdd(sessions[i].SessionId, i);
        }

        if (_firstEvent.Length < sessions.Length + 1)
        {
            _firstEvent = new int[sessions.Length + 1];
        }

        if (_events.Length < interactions.Length)
        {
            _events = new int[interactions.Length];
        }

        var first = _firstEvent.AsSpan(0, sessions.Length + 1);
        first.Clear();
        foreach (ref readonly var interaction in interactions)
        {
            if (!_sessionIndex.TryGetValue(interaction.SessionId, out int i))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"holds an event of session {interaction.SessionId}, which is not one of the step's sessions"), nameof(interactions));
            }

            first[i + 1]++;
        }

        for (int i = 0; i < sessions.Length; i++)
        {
            first[i + 1] += first[i];
        }

        // A counting sort: each session's next free slot, then back to the starts.
        for (int e = 0; e < interactions.Length; e++)
        {
            _events[first[_sessionIndex[interactions[e].SessionId]]++] = e;
        }

        for (int i = sessions.Length; i > 0; i--)
        {
            first[i] = first[i - 1];
        }

        first[0] = 0;
    }

    /// <summary>Messages for a step of <paramref name="sessions"/>: at least one, so that a step without sessions is still sent.</summary>
    private int Batches(int sessions) => sessions == 0 ? 1 : (sessions - 1) / _batch + 1;

    private (int First, int Count) Batch(int batch, int sessions)
    {
        int first = (int)Math.Min((long)batch * _batch, sessions);
        return (first, Math.Min(_batch, sessions - first));
    }

    /// <summary><c>choose-17-0</c>: unique within the run, and the same on every retry.</summary>
    private static string RequestId(string type, PolicyStep step, int batch) =>
        string.Create(CultureInfo.InvariantCulture, $"{type}-{step.Index}-{batch}");
}

using System.Collections.Immutable;

namespace RecSynth.Outside;

/// <summary>
/// Where an outside policy is, parsed by <see cref="OutsidePolicy.TryParse"/>: a command to start (<c>exec:COMMAND ARG…</c>)
/// or a service to POST to (<c>http://HOST:PORT/PATH</c>, <c>https://…</c>).
/// </summary>
public sealed class OutsidePolicySpec
{
    internal OutsidePolicySpec(string text, ImmutableArray<string> command, Uri? endpoint)
    {
        Text = text;
        Command = command;
        Endpoint = endpoint;
    }

    /// <summary>The spec as given, e.g. <c>exec:python3 policy.py --fast</c>.</summary>
    public string Text { get; }

    /// <summary>exec: the program and its arguments, split as a POSIX shell would (no shell is run); empty for HTTP.</summary>
    public ImmutableArray<string> Command { get; }

    /// <summary>HTTP: the service; each message is POSTed to its path with the message type appended (<c>/policy</c> → <c>/policy/hello</c>). Null for exec.</summary>
    public Uri? Endpoint { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RecSynth.Outside.Internals;

/// <summary>
/// exec: a child process with pipes on stdin and stdout, one JSON object a line each way; its stderr passed through line
/// by line. Every wait has the answer time-out and the caller's cancellation; a child still running when the transport
/// is disposed (after an error, a cancellation, or one that ignores the end of its input) is killed with its descendants.
/// </summary>
internal sealed class ExecTransport : IOutsideTransport
{
    /// <summary>How long a child has to exit once its input ends after <c>end</c>.</summary>
    internal static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long a child that closed its output has to exit, so that its exit code can be told.</summary>
    private static readonly TimeSpan s_exitCodeWait = TimeSpan.FromSeconds(2);

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly ReadOnlyMemory<byte> s_lineEnd = "\n"u8.ToArray();

    private readonly Process _process;
    private readonly string _program;
    private readonly TextWriter? _standardError;
    private readonly Lock _standardErrorLock = new();
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellation;
    private Stream? _input;
    private StreamReader? _output;

    private ExecTransport(ImmutableArray<string> command, OutsidePolicyOptions options)
    {
        _program = command[0];
        _standardError = options.StandardError;
        _timeout = options.Timeout;
        _cancellation = options.Cancellation;
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = s_utf8,
            StandardOutputEncoding = s_utf8,
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (string argument in command.AsSpan()[1..])
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.ErrorDataReceived += PassThrough;
    }

    /// <summary>The child's process id (for tests).</summary>
    internal int ProcessId => _process.Id;

    /// <summary>Starts <paramref name="command"/> (its program looked up on PATH unless it has a slash).</summary>
    public static ExecTransport Start(ImmutableArray<string> command, OutsidePolicyOptions options)
    {
        var transport = new ExecTransport(command, options);
        try
        {
            transport._process.Start();
        }
        catch (Win32Exception e)
        {
            transport._process.Dispose();
            throw new OutsidePolicyException($"cannot start the policy {Quote(command[0])}: {e.Message}", null, e);
        }

        transport._input = transport._process.StandardInput.BaseStream;
        transport._output = new StreamReader(transport._process.StandardOutput.BaseStream, s_utf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        transport._process.BeginErrorReadLine();
        return transport;
    }

    public ReadOnlyMemory<byte> Send(ReadOnlyMemory<byte> message, MessageLabel label)
    {
        // One wait for the whole exchange: a child that stops reading its input blocks the write as surely as one that
        // never answers blocks the read. A timed-out exchange is left behind; the run stops and disposal kills the child.
        string? line;
        try
        {
            line = Exchange(message).WaitAsync(_timeout, _cancellation).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw label.Problem($"no answer to {label.Type} within {Seconds(_timeout)} (the policy time-out){label.Completed}");
        }
        catch (IOException e)
        {
            throw Gone(label, "stopped reading its input", e);
        }
        catch (DecoderFallbackException e)
        {
            throw label.Problem($"the answer to {label.Type} is not UTF-8 text", e);
        }

        return line is null ? throw Gone(label, "closed its output", null) : s_utf8.GetBytes(line);
    }

    public void Close()
    {
        _input?.Dispose();
        _input = null;
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        grace.CancelAfter(ExitGrace);
        try
        {
            _process.WaitForExitAsync(grace.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
        {
            // The protocol's 10 s are up: a child that outstays them is killed, and the run goes on.
            Kill();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.ErrorDataReceived -= PassThrough;
        _input?.Dispose();
        _output?.Dispose();
        _process.Dispose();
    }

    private async Task<string?> Exchange(ReadOnlyMemory<byte> message)
    {
        var input = _input!;
        await input.WriteAsync(message, _cancellation).ConfigureAwait(false);
        await input.WriteAsync(s_lineEnd, _cancellation).ConfigureAwait(false);
        await input.FlushAsync(_cancellation).ConfigureAwait(false);
        return await _output!.ReadLineAsync(_cancellation).ConfigureAwait(false);
    }

    /// <summary>The child went away mid-exchange: says so, with its exit code when it has one within a moment.</summary>
    private OutsidePolicyException Gone(MessageLabel label, string what, Exception? e)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        wait.CancelAfter(s_exitCodeWait);
        try
        {
            _process.WaitForExitAsync(wait.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
        {
            return label.Problem($"the policy {what} before answering {label.Type}{label.Completed}", e);
        }

        return label.Problem(string.Create(CultureInfo.InvariantCulture, $"the policy exited with code {_process.ExitCode} before answering {label.Type}{label.Completed}"), e);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // Not started, or gone between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Gone in the meantime, or not ours to kill: nothing more to do.
        }
    }

    private void PassThrough(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is { } line && _standardError is { } writer)
        {
            lock (_standardErrorLock)
            {
                writer.WriteLine(line);
                writer.Flush();
            }
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Quote(string text) => "\"" + text + "\"";
}

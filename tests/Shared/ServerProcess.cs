using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RecSynth.Testing;

/// <summary>
/// A database server run in the foreground as a child of the test host: its output kept for error messages, stopped
/// with a signal and killed (with its children) when it does not stop in time. A test host that exits kills it too.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly EventHandler _onHostExit;

    private ServerProcess(Process process)
    {
        _process = process;
        _onHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onHostExit;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts TCP connections on the loopback port.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails with the server's log tail when the server exits or time runs out.</summary>
    public async Task WaitUntilReadyAsync(string what, Func<CancellationToken, Task<bool>> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await ready(cancellationToken))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{what} exited with {_process.ExitCode} before accepting connections. Its log ends:\n{LogTail()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not accept connections within {timeout.TotalSeconds:0} s. Its log ends:\n{LogTail()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public string LogTail(int lines = 30)
    {
        lock (_log)
        {
            return string.Join('\n', _log.Skip(Math.Max(0, _log.Count - lines)));
        }
    }

    /// <summary>Asks the server to stop with <paramref name="signal"/>; kills it and its children when it has not exited within the grace period.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = NativeMethods.SendSignal(_process.Id, signal);
            using var limit = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        Kill();
        AppDomain.CurrentDomain.ProcessExit -= _onHostExit;
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > KeptLines)
            {
                _log.Dequeue();
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecSynth.Outside.Tests.Support;

/// <summary>What the server does with a request instead of answering it.</summary>
public enum Fault
{
    /// <summary>500 Internal Server Error.</summary>
    Status500,

    /// <summary>503 Service Unavailable.</summary>
    Status503,

    /// <summary>429 Too Many Requests.</summary>
    Status429,

    /// <summary>400 Bad Request, with a text.</summary>
    Status400,

    /// <summary>Waits 2 s before answering (longer than the tests' time-out).</summary>
    Slow,

    /// <summary>Closes the connection without an answer.</summary>
    Drop,

    /// <summary>200 with <c>{"error":"model not loaded"}</c>.</summary>
    ErrorAnswer,
}

/// <summary>A request as the server got it.</summary>
internal sealed record Received(string Path, string ContentType, string Body);

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) playing an outside policy in arm mode: hello → a name, choose →
/// the first arm for every session with propensity 1, outcomes and end → {}. Faults queued for a path are served first,
/// one a request. Every connection is closed after its answer.
/// </summary>
internal sealed class FaultServer : IDisposable
{
    public const string BadRequestText = "unknown field \"sessions\"";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly Task _loop;

    public FaultServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The policy's URL, with a path prefix.</summary>
    public Uri Endpoint => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/policy"));

    public IReadOnlyList<Received> Received => [.. _received];

    /// <summary>Requests to <c>/v1/policy/{type}</c>.</summary>
    public IReadOnlyList<Received> To(string type) => [.. _received.Where(r => r.Path == "/v1/policy/" + type)];

    /// <summary>Serves <paramref name="faults"/>, in order, to the next requests for <c>/v1/policy/{type}</c>.</summary>
    public void Fail(string type, params Fault[] faults)
    {
        var queue = _faults.GetOrAdd("/v1/policy/" + type, _ => new());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (path, contentType, body) = await ReadRequestAsync(stream);
                _received.Enqueue(new Received(path, contentType, body));
                Fault? fault = _faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var f) ? f : null;
                switch (fault)
                {
                    case Fault.Drop:
                        client.Client.Close(0);
                        return;
                    case Fault.Status500:
                        await WriteAsync(stream, 500, "Internal Server Error", "text/plain", "it broke");
                        return;
                    case Fault.Status503:
                        await WriteAsync(stream, 503, "Service Unavailable", "text/plain", "busy");
                        return;
                    case Fault.Status429:
                        await WriteAsync(stream, 429, "Too Many Requests", "text/plain", "slow down");
                        return;
                    case Fault.Status400:
                        await WriteAsync(stream, 400, "Bad Request", "text/plain", "  " + BadRequestText + "\n");
                        return;
                    case Fault.ErrorAnswer:
                        await WriteAsync(stream, 200, "OK", "application/json", """{"error":"model not loaded"}""");
                        return;
                    case Fault.Slow:
                        await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token);
                        break;
                }

                await WriteAsync(stream, 200, "OK", "application/json", Answer(path, body));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up on a slow answer, or the server is stopping.
            }
        }
    }

    private static string Answer(string path, string body)
    {
        var message = JsonNode.Parse(body)!;
        switch (path[(path.LastIndexOf('/') + 1)..])
        {
            case "hello":
                return """{"name":"http-policy"}""";
            case "choose":
                var choices = new JsonArray();
                foreach (var session in message["sessions"]!.AsArray())
                {
                    choices.Add(new JsonObject { ["session_id"] = session!["session_id"]!.GetValue<string>(), ["arm"] = "cf", ["propensity"] = 1 });
                }

                return new JsonObject { ["choices"] = choices }.ToJsonString();
            default:
                return "{}";
        }
    }

    private static async Task<(string Path, string ContentType, string Body)> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("the client closed the connection mid-request");
            }

            head.Add(one[0]);
        }

        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        string path = lines[0].Split(' ')[1];
        int length = 0;
        string contentType = "";
        foreach (string line in lines[1..])
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string name = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return (path, contentType, Encoding.UTF8.GetString(body));
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string reason, string contentType, string body)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        byte[] head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(head);
        await stream.WriteAsync(content);
        await stream.FlushAsync();
    }

    /// <summary>The <c>request_id</c> of a message.</summary>
    public static string RequestId(Received request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return document.RootElement.GetProperty("request_id").GetString()!;
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using RecSynth.Gorse.TestServer;

// The tests' Gorse-compatible server as a program, to try `recsynth push` without a Gorse (docs/gorse.md):
//   dotnet run --project tests/RecSynth.Gorse.TestServer -- [--port N] [--api-key-env NAME]
// In memory on 127.0.0.1; Ctrl+C or SIGTERM stops it, and the data goes with it.
const string Usage = "usage: RecSynth.Gorse.TestServer [--port N] [--api-key-env NAME]\n"
    + "  --port N            listen on 127.0.0.1:N (default 8088; 0 picks a free port)\n"
    + "  --api-key-env NAME  require the key this environment variable holds as X-API-Key (default: no key)";

int port = 8088;
string? apiKey = null;
for (int i = 0; i < args.Length; i++)
{
    string option = args[i];
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (option)
    {
        case "--help" or "-h":
            Console.WriteLine(Usage);
            return 0;
        case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535:
            i++;
            break;
        case "--port":
            return BadUsage($"--port '{value}' must be a whole number in [0, 65535]");
        case "--api-key-env" when !string.IsNullOrEmpty(value) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(value)):
            apiKey = Environment.GetEnvironmentVariable(value);
            i++;
            break;
        case "--api-key-env":
            return BadUsage($"--api-key-env '{value}' must name an environment variable that is set");
        default:
            return BadUsage($"unknown option '{option}'");
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

GorseTestServer server;
try
{
    server = await GorseTestServer.StartAsync(apiKey, port: port).ConfigureAwait(false);
}
catch (IOException e)
{
    await Console.Error.WriteLineAsync($"RecSynth.Gorse.TestServer: error: cannot listen on 127.0.0.1:{port}: {e.Message}").ConfigureAwait(false);
    return 1;
}

await using (server.ConfigureAwait(false))
{
    Console.WriteLine($"Gorse test server listening on {server.Endpoint} (in memory{(apiKey is null ? "" : ", X-API-Key required")}); Ctrl+C stops it");
    Console.WriteLine($"try: recsynth push DIR --url {server.Endpoint} --verify");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
    }
    catch (OperationCanceledException)
    {
    }
}

return 0;

static int BadUsage(string message)
{
    Console.Error.WriteLine("RecSynth.Gorse.TestServer: error: " + message);
    Console.Error.WriteLine(Usage);
    return 2;
}

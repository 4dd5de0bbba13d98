using System.Diagnostics;
using System.Globalization;
using RecSynth.Gorse;
using RecSynth.Gorse.TestServer;

// Push throughput against the in-memory test server on loopback: feedback rows/s per batch size and concurrency.
// Usage: RecSynth.PushBench DIR [--batch 100,1000,10000] [--concurrency 1,4] [--rounds 3] [--sink]
// DIR is a generated dataset (e.g. `recsynth generate --preset small -o DIR`). Each round pushes users, items and
// feedback into a fresh server and times the feedback table alone. --sink: the server reads and discards the bodies
// (the client's own ceiling).
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: RecSynth.PushBench DIR [--batch 100,1000,10000] [--concurrency 1,4] [--rounds 3] [--sink]");
    return 2;
}

string folder = args[0];
int[] batches = List("--batch", [100, 1000, 10000]);
int[] concurrencies = List("--concurrency", [1, 4]);
int rounds = List("--rounds", [3])[0];
bool sink = args.Contains("--sink");

var clock = Stopwatch.StartNew();
using var dataset = GorseDataset.Load(folder, new GorseDatasetOptions());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dataset: {dataset.Describe()} (read and aggregated in {clock.Elapsed.TotalSeconds:0.00} s)"));
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine(sink ? "server: discards the bodies (the client's ceiling)" : "server: parses and stores every row");
Console.WriteLine("| batch | concurrency | feedback rows/s (median) | best | rounds |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (int batch in batches)
{
    foreach (int concurrency in concurrencies)
    {
        var rates = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            await using var server = await GorseTestServer.StartAsync();
            server.DiscardWrites = sink;
            using var client = new GorseClient(new GorseClientOptions { Endpoint = server.Endpoint });
            string checkpoint = Path.Combine(folder, GorsePush.CheckpointFileName);
            File.Delete(checkpoint);
            var results = await GorsePush.RunAsync(dataset, client, new GorsePushOptions { BatchSize = batch, Concurrency = concurrency });
            var feedback = results.Single(r => r.Table == "feedback");
            rates.Add(feedback.Rows / feedback.Elapsed.TotalSeconds);
            if (!sink && server.Store.Feedback.Count != dataset.FeedbackCount)
            {
                Console.Error.WriteLine($"the server holds {server.Store.Feedback.Count} feedback rows, not {dataset.FeedbackCount}");
                return 1;
            }
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {batch:N0} | {concurrency} | {rates[rates.Count / 2]:N0} | {rates[^1]:N0} | {rounds} |"));
    }
}

File.Delete(Path.Combine(folder, GorsePush.CheckpointFileName));
return 0;

int[] List(string name, int[] fallback)
{
    int at = Array.IndexOf(args, name);
    return at < 0 || at + 1 >= args.Length ? fallback : [.. args[at + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}

using System.CommandLine;
using System.Globalization;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Gorse;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth push DIR --url URL</c>: one call to <see cref="GorsePush.RunAsync"/> (and <see cref="GorseVerify"/>), with progress and a summary.</summary>
internal static class PushCommand
{
    public const string DefaultKeyVariable = "GORSE_API_KEY";

    public static Command Create(Consoles console)
    {
        var dataset = new GorseArguments();
        var url = new Option<string>("--url") { Description = "The Gorse server, e.g. http://127.0.0.1:8088", HelpName = "URL", Required = true };
        var keyVariable = new Option<string?>("--api-key-env")
        {
            Description = $"Environment variable holding the API key (default {DefaultKeyVariable}; unset means no key)",
            HelpName = "NAME",
        };
        var keyFile = new Option<string?>("--api-key-file") { Description = "File holding the API key (instead of an environment variable)", HelpName = "FILE" };
        var batchSize = WholeNumbers.Int("--batch-size", "Rows per request (default 1,000)");
        var concurrency = WholeNumbers.Int("--concurrency", "Requests in flight at once (default 4)");
        var maxRetries = WholeNumbers.Int("--max-retries", "Retries of a transient failure (5xx, 429, timeout, dropped connection) before giving up (default 6)");
        var resume = new Option<bool>("--resume") { Description = $"Skip the batches that DIR/{GorsePush.CheckpointFileName} records as acknowledged by the same push" };
        var verify = new Option<bool>("--verify") { Description = "Afterwards, read everything back by cursor and report missing or different rows (exit 1 if any)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and check the dataset and say what would be sent; send nothing" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress and no summary; errors only" };
        var command = new Command("push", "Push a dataset into Gorse: users and items, then the feedback aggregated per (type, user, item) with PUT; retried, resumable, verifiable.");
        dataset.AddTo(command);
        foreach (var option in new Option[] { url, keyVariable, keyFile, batchSize, concurrency, maxRetries, resume, verify, dryRun, quiet })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var problems = new List<OptionProblem>();
            string urlText = result.GetValue(url)!;
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                problems.Add(new("--url", urlText, "must be an absolute http:// or https:// address"));
                endpoint = null;
            }

            int batch = Range(result.GetValue(batchSize) ?? 1000, "--batch-size", 1, 1_000_000, problems);
            int parallel = Range(result.GetValue(concurrency) ?? 4, "--concurrency", 1, 256, problems);
            int retries = Range(result.GetValue(maxRetries) ?? 6, "--max-retries", 0, 100, problems);
            string? key = ApiKey(result.GetValue(keyVariable), result.GetValue(keyFile), problems);
            if (problems.Count > 0)
            {
                throw new OptionsException(problems);
            }

            bool silent = result.GetValue(quiet);
            string folder = result.GetValue(dataset.Directory)!;
            using var data = GorseDataset.Load(folder, dataset.Options(result), cancellationToken);
            if (result.GetValue(dryRun))
            {
                console.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"dry run: would push {data.Describe()} to {endpoint} in batches of {batch:N0}; nothing was sent"));
                return ExitCodes.Success;
            }

            using var client = new GorseClient(new GorseClientOptions { Endpoint = endpoint!, ApiKey = key, MaxRetries = retries, OnRetry = ProgressDisplay.RetryLines(console, silent) });
            var options = new GorsePushOptions { BatchSize = batch, Concurrency = parallel, Resume = result.GetValue(resume) };
            IReadOnlyList<GorseTableResult> pushed;
            try
            {
                pushed = await ProgressDisplay.RunAsync(console, silent, progress => GorsePush.RunAsync(data, client, options, progress, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.Error($"interrupted: the batches in flight were finished and every acknowledged batch is recorded in {Path.Combine(folder, GorsePush.CheckpointFileName)}; run the same push with --resume to continue");
                return ExitCodes.Cancelled;
            }
            catch (GorseException e)
            {
                console.Error(e.Message);
                return ExitCodes.Failure;
            }

            if (!silent)
            {
                foreach (var table in pushed)
                {
                    // The rate counts the rows sent in this run only: a resume's skipped rows took no time.
                    string sent = table.RowsSent == 0 ? "nothing sent"
                        : ProgressDisplay.Rate(table.RowsSent, table.Elapsed) is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{table.RowsSent:N0} rows sent ({rate:N0} rows/s)")
                        : string.Create(CultureInfo.InvariantCulture, $"{table.RowsSent:N0} rows sent");
                    console.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{table.Table}: {table.Rows:N0} rows, {table.BatchesSent:N0} batches sent, {table.BatchesSkipped:N0} skipped (resume), {table.Retries:N0} retries, {table.Elapsed.TotalSeconds:0.00} s, {sent}"));
                }
            }

            return result.GetValue(verify) ? await VerifyAsync(console, data, client, silent, cancellationToken).ConfigureAwait(false) : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> VerifyAsync(Consoles console, GorseDataset data, GorseClient client, bool silent, CancellationToken cancellationToken)
    {
        IReadOnlyList<GorseTableCheck> checks;
        try
        {
            checks = await ProgressDisplay.RunAsync(console, silent, progress => GorseVerify.VerifyAsync(data, client, 1000, progress, cancellationToken)).ConfigureAwait(false);
        }
        catch (GorseException e)
        {
            console.Error("verify: " + e.Message);
            return ExitCodes.Failure;
        }

        foreach (var check in checks.Where(c => !silent || !c.IsClean))
        {
            console.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify {check.Table}: {check.Expected:N0} rows, {check.Missing:N0} missing, {check.Different:N0} different, {check.Unexpected:N0} not in the dataset"));
            foreach (string example in check.Examples)
            {
                console.StdOut.WriteLine("  " + example);
            }
        }

        var bad = checks.Where(c => !c.IsClean).ToArray();
        if (bad.Length == 0)
        {
            return ExitCodes.Success;
        }

        console.Error("verify: Gorse does not hold the dataset: " + string.Join("; ", bad.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Table} {c.Missing:N0} missing, {c.Different:N0} different"))));
        return ExitCodes.Failure;
    }

    private static int Range(int value, string option, int min, int max, List<OptionProblem> problems)
    {
        if (value < min || value > max)
        {
            problems.Add(new(option, value.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"must be in [{min:N0}, {max:N0}]")));
        }

        return value;
    }

    /// <summary>From a file or an environment variable, never from the command line (where `ps` and shell history would show it).</summary>
    internal static string? ApiKey(string? variable, string? file, List<OptionProblem> problems)
    {
        if (file is not null)
        {
            if (variable is not null)
            {
                problems.Add(new("--api-key-file", file, "give either --api-key-file or --api-key-env, not both"));
                return null;
            }

            if (!File.Exists(file))
            {
                problems.Add(new("--api-key-file", file, "does not exist"));
                return null;
            }

            return File.ReadAllText(file).Trim();
        }

        string name = variable ?? DefaultKeyVariable;
        string? key = Environment.GetEnvironmentVariable(name);
        if (variable is not null && string.IsNullOrEmpty(key))
        {
            problems.Add(new("--api-key-env", variable, "names an environment variable that is not set"));
        }

        return string.IsNullOrEmpty(key) ? null : key;
    }
}

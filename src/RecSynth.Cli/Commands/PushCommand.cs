using System.CommandLine;
using System.Globalization;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Files;
using RecSynth.Gorse;
using Spectre.Console;

namespace RecSynth.Cli.Commands;

/// <summary><c>recsynth push DIR --url URL</c>: one call to <see cref="GorsePush.RunAsync"/> (and <see cref="GorseVerify"/>), with progress and a summary.</summary>
internal static class PushCommand
{
    public const string DefaultKeyVariable = "GORSE_API_KEY";

    public const string DefaultDatabaseVariable = "GORSE_DATA_STORE";

    public static Command Create(Consoles console)
    {
        var dataset = new GorseArguments();
        var url = new Option<string?>("--url") { Description = "The Gorse server, e.g. http://127.0.0.1:8088", HelpName = "URL" };
        var database = new Option<string?>("--database")
        {
            Description = "Instead of --url: Gorse's database (its data_store URL: postgres://, mysql:// or sqlite://), loaded directly in bulk; better without the password, given by --password-env or --password-file",
            HelpName = "URL",
        };
        var databaseVariable = new Option<string?>("--database-env")
        {
            Description = $"Instead of --database: an environment variable holding the database URL (e.g. {DefaultDatabaseVariable}, as Gorse reads it)",
            HelpName = "NAME",
        };
        var tablePrefix = new Option<string?>("--table-prefix") { Description = "Gorse's [database] table_prefix (with --database)", HelpName = "PREFIX" };
        var passwordVariable = new Option<string?>("--password-env") { Description = "Environment variable holding the database password (with --database)", HelpName = "NAME" };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the database password (with --database)", HelpName = "FILE" };
        var keyVariable = new Option<string?>("--api-key-env")
        {
            Description = $"Environment variable holding the API key (default {DefaultKeyVariable}; unset means no key)",
            HelpName = "NAME",
        };
        var keyFile = new Option<string?>("--api-key-file") { Description = "File holding the API key (instead of an environment variable)", HelpName = "FILE" };
        var batchSize = WholeNumbers.Int("--batch-size", "Rows per request (default 1,000); with --database rows per transaction (default PostgreSQL 50,000, MySQL 5,000, SQLite 10,000)");
        var concurrency = WholeNumbers.Int("--concurrency", "Requests in flight at once (default 4)");
        var maxRetries = WholeNumbers.Int("--max-retries", "Retries of a transient failure (5xx, timeout, dropped connection; with --database a lost connection) before giving up (default 6)");
        var resume = new Option<bool>("--resume")
        {
            Description = $"Skip the batches that DIR/{GorsePush.CheckpointFileName} (with --database: the database's progress table) records as done by the same push",
        };
        var verify = new Option<bool>("--verify") { Description = "Afterwards, read everything back and report missing or different rows (exit 1 if any); with --database also each table's checksum" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and check the dataset and say what would be sent; send nothing" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress and no summary; errors only" };
        var command = new Command(
            "push",
            "Push a dataset into Gorse: users and items, then the feedback aggregated per (type, user, item) with PUT; over REST (--url) or straight into its database (--database); retried, resumable, verifiable.");
        dataset.AddTo(command);
        foreach (var option in new Option[] { url, database, databaseVariable, tablePrefix, passwordVariable, passwordFile, keyVariable, keyFile, batchSize, concurrency, maxRetries, resume, verify, dryRun, quiet })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var problems = new List<OptionProblem>();
            var targets = new[] { ("--url", result.GetValue(url)), ("--database", result.GetValue(database)), ("--database-env", result.GetValue(databaseVariable)) }
                .Where(t => t.Item2 is not null).ToArray();
            if (targets.Length != 1)
            {
                throw new OptionsException([new(targets.Length == 0 ? "--url" : targets[1].Item1, targets.Length == 0 ? "" : targets[1].Item2!,
                    targets.Length == 0 ? "give the Gorse server (--url) or its database (--database or --database-env)" : $"give one of --url, --database and --database-env, not {targets[0].Item1} and {targets[1].Item1}")]);
            }

            if (targets[0].Item1 != "--url")
            {
                return await DatabaseAsync(console, result, dataset, targets[0], tablePrefix, passwordVariable, passwordFile, batchSize, maxRetries, resume, verify, dryRun, quiet,
                    [(keyVariable, "--api-key-env"), (keyFile, "--api-key-file"), (concurrency, "--concurrency")], cancellationToken).ConfigureAwait(false);
            }

            foreach (var (option, name) in new (Option, string)[] { (tablePrefix, "--table-prefix"), (passwordVariable, "--password-env"), (passwordFile, "--password-file") })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    problems.Add(new(name, "", "applies to a database push (--database), not to --url"));
                }
            }

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
            if (await PushTablesAsync(
                    console, silent, progress => GorsePush.RunAsync(data, client, options, progress, cancellationToken),
                    $"interrupted: the batches in flight were finished and every acknowledged batch is recorded in {Path.Combine(folder, GorsePush.CheckpointFileName)}; run the same push with --resume to continue",
                    "sent", "", cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            return result.GetValue(verify) ? await VerifyAsync(console, data, client, silent, cancellationToken).ConfigureAwait(false) : ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>push DIR --database URL</c>: one call to <see cref="GorseDatabasePush.RunAsync"/> (and its verify).</summary>
    private static async Task<int> DatabaseAsync(
        Consoles console, ParseResult result, GorseArguments dataset, (string Option, string? Value) target, Option<string?> tablePrefix, Option<string?> passwordVariable,
        Option<string?> passwordFile, Option<int?> batchSize, Option<int?> maxRetries, Option<bool> resume, Option<bool> verify, Option<bool> dryRun, Option<bool> quiet,
        (Option Option, string Name)[] restOnly, CancellationToken cancellationToken)
    {
        var problems = new List<OptionProblem>();
        foreach (var (option, name) in restOnly)
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                problems.Add(new(name, "", $"applies to a push over REST (--url), not to {target.Option}"));
            }
        }

        string? urlText = target.Value;
        if (target.Option == "--database-env")
        {
            urlText = Environment.GetEnvironmentVariable(target.Value!);
            if (string.IsNullOrEmpty(urlText))
            {
                problems.Add(new("--database-env", target.Value!, "names an environment variable that is not set"));
            }
        }

        string display = "";
        if (!string.IsNullOrEmpty(urlText))
        {
            try
            {
                display = GorseDatabasePush.Describe(urlText);
            }
            catch (DatasetUsageException e)
            {
                // The value is not echoed: it may hold the password.
                problems.Add(new(target.Option, target.Option == "--database" ? "(not shown)" : target.Value!, e.Message));
            }
        }

        string prefix = result.GetValue(tablePrefix) ?? "";
        if (!GorseDatabasePush.IsTablePrefix(prefix))
        {
            problems.Add(new("--table-prefix", prefix, "may hold only ASCII letters, digits and '_' (Gorse's table_prefix)"));
        }

        int? batch = result.GetValue(batchSize) is { } size ? Range(size, "--batch-size", 1, 1_000_000, problems) : null;
        int retries = Range(result.GetValue(maxRetries) ?? 6, "--max-retries", 0, 100, problems);
        string? password = Password(result.GetValue(passwordVariable), result.GetValue(passwordFile), problems);
        if (problems.Count > 0)
        {
            throw new OptionsException(problems);
        }

        if (display.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            // The native build carries SQLite's library inside; the provider is set up without the reflection Microsoft.Data.Sqlite would use.
            NativeLibraries.Register();
            SQLitePCL.Batteries_V2.Init();
        }

        bool silent = result.GetValue(quiet);
        string folder = result.GetValue(dataset.Directory)!;
        using var data = GorseDataset.Load(folder, dataset.Options(result), cancellationToken);
        if (result.GetValue(dryRun))
        {
            console.StdOut.WriteLine($"dry run: would load {data.Describe()} into {display}{(prefix.Length > 0 ? $" (tables {prefix}users, {prefix}items, {prefix}feedback)" : "")}; nothing was written");
            return ExitCodes.Success;
        }

        var retryGate = new Lock();
        var options = new GorseDatabaseOptions
        {
            TablePrefix = prefix,
            BatchSize = batch,
            Resume = result.GetValue(resume),
            Password = password,
            MaxRetries = retries,
            OnRetry = silent ? null : line =>
            {
                lock (retryGate)
                {
                    console.Err.WriteLine("recsynth: " + line);
                }
            },
        };
        if (await PushTablesAsync(
                console, silent, progress => GorseDatabasePush.RunAsync(data, urlText!, options, progress, cancellationToken),
                $"interrupted: the batch in flight was committed and every committed batch is recorded in {display}; run the same push with --resume to continue",
                "written", prefix, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        return result.GetValue(verify)
            ? await VerifyAsync(console, silent, progress => GorseDatabasePush.VerifyAsync(data, urlText!, options, progress, cancellationToken), display).ConfigureAwait(false)
            : ExitCodes.Success;
    }

    /// <summary>
    /// Runs a push (REST or database) with progress, then prints a summary line per table (rows <paramref name="done"/>:
    /// "sent" or "written"). Returns the exit code when it did not complete: 130 interrupted, 1 refused or unreachable.
    /// </summary>
    private static async Task<int?> PushTablesAsync(
        Consoles console, bool silent, Func<ProgressDisplay.IPhaseDisplay?, Task<IReadOnlyList<GorseTableResult>>> push,
        string interrupted, string done, string tablePrefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<GorseTableResult> pushed;
        try
        {
            pushed = await ProgressDisplay.RunAsync(console, silent, push).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error(interrupted);
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
                // The rate counts the rows of this run only: a resume's skipped rows took no time.
                string rows = table.RowsSent == 0 ? $"nothing {done}"
                    : ProgressDisplay.Rate(table.RowsSent, table.Elapsed) is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{table.RowsSent:N0} rows {done} ({rate:N0} rows/s)")
                    : string.Create(CultureInfo.InvariantCulture, $"{table.RowsSent:N0} rows {done}");
                console.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{tablePrefix}{table.Table}: {table.Rows:N0} rows, {table.BatchesSent:N0} batches {done}, {table.BatchesSkipped:N0} skipped (resume), {table.Retries:N0} retries, {table.Elapsed.TotalSeconds:0.00} s, {rows}"));
            }
        }

        return null;
    }

    private static Task<int> VerifyAsync(Consoles console, GorseDataset data, GorseClient client, bool silent, CancellationToken cancellationToken) =>
        VerifyAsync(console, silent, progress => GorseVerify.VerifyAsync(data, client, 1000, progress, cancellationToken), "Gorse");

    private static async Task<int> VerifyAsync(
        Consoles console, bool silent, Func<ProgressDisplay.IPhaseDisplay?, Task<IReadOnlyList<GorseTableCheck>>> read, string holder)
    {
        IReadOnlyList<GorseTableCheck> checks;
        try
        {
            checks = await ProgressDisplay.RunAsync(console, silent, read).ConfigureAwait(false);
        }
        catch (GorseException e)
        {
            console.Error("verify: " + e.Message);
            return ExitCodes.Failure;
        }

        foreach (var check in checks.Where(c => !silent || !c.IsClean))
        {
            string checksum = check.Checksum is null ? ""
                : check.Checksum == check.ExpectedChecksum ? $", checksum {check.Checksum} (the dataset's)"
                : $", checksum {check.Checksum} (the dataset's is {check.ExpectedChecksum})";
            console.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify {check.Table}: {check.Expected:N0} rows, {check.Missing:N0} missing, {check.Different:N0} different, {check.Unexpected:N0} not in the dataset{checksum}"));
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

        console.Error($"verify: {holder} does not hold the dataset: " + string.Join("; ", bad.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Table} {c.Missing:N0} missing, {c.Different:N0} different"))));
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
    internal static string? ApiKey(string? variable, string? file, List<OptionProblem> problems) =>
        Secret(variable, file, "--api-key-env", "--api-key-file", DefaultKeyVariable, problems);

    /// <summary>The database password, from a file or an environment variable (no default variable).</summary>
    internal static string? Password(string? variable, string? file, List<OptionProblem> problems) =>
        Secret(variable, file, "--password-env", "--password-file", null, problems);

    /// <summary>A secret from a file (trimmed) or an environment variable (<paramref name="fallback"/> when neither is given); both given is a problem.</summary>
    private static string? Secret(string? variable, string? file, string variableOption, string fileOption, string? fallback, List<OptionProblem> problems)
    {
        if (file is not null)
        {
            if (variable is not null)
            {
                problems.Add(new(fileOption, file, $"give either {fileOption} or {variableOption}, not both"));
                return null;
            }

            if (!File.Exists(file))
            {
                problems.Add(new(fileOption, file, "does not exist"));
                return null;
            }

            return File.ReadAllText(file).Trim();
        }

        string? name = variable ?? fallback;
        string? secret = name is null ? null : Environment.GetEnvironmentVariable(name);
        if (variable is not null && string.IsNullOrEmpty(secret))
        {
            problems.Add(new(variableOption, variable, "names an environment variable that is not set"));
        }

        return string.IsNullOrEmpty(secret) ? null : secret;
    }
}

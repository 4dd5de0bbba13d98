using System.CommandLine;
using System.Globalization;
using RecSynth.Files;
using RecSynth.Configuration;
using RecSynth.Fitting;
using RecSynth.Gorse;

namespace RecSynth.Cli.Commands;

/// <summary>
/// How <c>fit</c> and <c>fidelity</c> read a log: a RecSynth dataset folder as it is; an event log (CSV or Parquet) in
/// a built-in layout (<c>--layout retailrocket</c>) or through a column mapping (<c>--user --item --type --time
/// [--session]</c>, <c>--types</c>); sessions split by <c>--session-gap</c> where the log has no session ids.
/// </summary>
internal sealed class LogSourceArguments
{
    private readonly Option<string?> _layout = new("--layout") { Description = "The event log's layout: retailrocket (timestamp,visitorid,event,itemid,transactionid; ms; view/addtocart/transaction), gorse-jsonl (Gorse's feedback export, feedback.jsonl) or columns (--user, --item, --type, --time)", HelpName = "retailrocket|gorse-jsonl|columns" };
    private readonly Option<string?> _user = new("--user") { Description = "The event log's user column", HelpName = "COL" };
    private readonly Option<string?> _item = new("--item") { Description = "The event log's product column", HelpName = "COL" };
    private readonly Option<string?> _type = new("--type") { Description = "The event log's event-type column", HelpName = "COL" };
    private readonly Option<string?> _time = new("--time") { Description = "The event log's time column: Unix seconds, Unix milliseconds, or ISO 8601", HelpName = "COL" };
    private readonly Option<string?> _session = new("--session") { Description = "The session column (without one, sessions are split by --session-gap); for a RecSynth dataset, SessionId", HelpName = "COL" };
    private readonly Option<string?> _types = new("--types") { Description = "Event-type names for view, like and purchase, e.g. view=view,like=addtocart|wishlist,purchase=transaction", HelpName = "view=…,like=…,purchase=…" };
    private readonly Option<string?> _gap = new("--session-gap") { Description = "Inactivity that ends a session where the log has no session ids (default 30m), e.g. 30m, 1h, 900s", HelpName = "DURATION" };

    private readonly Option<string?> _gorseUrl = new("--gorse-url") { Description = "Read the log from a live Gorse's feedback (GET /api/feedback, page by page) instead of SOURCE", HelpName = "URL" };
    private readonly Option<string?> _keyVariable = new("--api-key-env") { Description = $"Environment variable holding the Gorse API key (default {PushCommand.DefaultKeyVariable}; unset means no key)", HelpName = "NAME" };
    private readonly Option<string?> _keyFile = new("--api-key-file") { Description = "File holding the Gorse API key (instead of an environment variable)", HelpName = "FILE" };

    private readonly Option<string?> _database = new("--database") { Description = "Read the log from Gorse's SQL data store (postgres://, mysql://, sqlite://, or Gorse's data_store forms): its feedback table", HelpName = "URL" };
    private readonly Option<string?> _passwordVariable = new("--password-env") { Description = "Environment variable holding the database password (with --database)", HelpName = "NAME" };
    private readonly Option<string?> _passwordFile = new("--password-file") { Description = "File holding the database password (with --database)", HelpName = "FILE" };
    private readonly Option<string?> _tablePrefix = new("--table-prefix") { Description = "Gorse's [database] table_prefix (with --database)", HelpName = "PREFIX" };

    public IEnumerable<Option> Options => [_layout, _user, _item, _type, _time, _session, _types, _gap];

    /// <summary>The options of a source that is a live Gorse (for fit).</summary>
    public IEnumerable<Option> GorseOptions => [_gorseUrl, _keyVariable, _keyFile, _database, _passwordVariable, _passwordFile, _tablePrefix];

    /// <summary>The Gorse database to read, when --database is given.</summary>
    public string? DatabaseUrl(ParseResult result) => result.GetValue(_database);

    /// <summary>Reads the feedback table of Gorse's SQL data store.</summary>
    public LogReading ReadDatabase(ParseResult result, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var problems = new List<OptionProblem>();
        string? password = PushCommand.Password(result.GetValue(_passwordVariable), result.GetValue(_passwordFile), problems);
        if (problems.Count > 0)
        {
            throw new OptionsException(problems);
        }

        var options = new GorseDatabaseOptions { TablePrefix = result.GetValue(_tablePrefix) ?? "", Password = password };
        return GorseLog.ReadDatabaseAsync(result.GetValue(_database)!, options, Types(result), Gap(result.GetValue(_gap)), progress, cancellationToken).GetAwaiter().GetResult();
    }

    private EventLogMapping Types(ParseResult result) =>
        result.GetValue(_types) is { } types ? EventLogMapping.WithTypes(EventLogMapping.RecSynth, types) : EventLogMapping.RecSynth;

    /// <summary>The Gorse to read, when --gorse-url is given.</summary>
    public string? GorseUrl(ParseResult result) => result.GetValue(_gorseUrl);

    /// <summary>Reads a live Gorse's feedback (types mapped by --types; sessions split by --session-gap).</summary>
    public LogReading ReadGorse(ParseResult result, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var problems = new List<OptionProblem>();
        string text = result.GetValue(_gorseUrl)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            problems.Add(new("--gorse-url", text, "must be an absolute http:// or https:// address"));
        }

        string? key = PushCommand.ApiKey(result.GetValue(_keyVariable), result.GetValue(_keyFile), problems);
        if (problems.Count > 0)
        {
            throw new OptionsException(problems);
        }

        var mapping = Types(result);
        using var client = new GorseClient(new GorseClientOptions { Endpoint = endpoint!, ApiKey = key });
        return GorseLog.ReadAsync(client, mapping, Gap(result.GetValue(_gap)), 1000, progress, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Reads <paramref name="source"/> (a folder or a file) as the options say; with <paramref name="fileOptionsOnly"/>,
    /// refuses the event-log options for a folder (where they would be silently unused).
    /// </summary>
    public LogReading Read(ParseResult result, string source, bool fileOptionsOnly, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long gap = Gap(result.GetValue(_gap));
        if (Directory.Exists(source))
        {
            if (fileOptionsOnly && (result.GetValue(_user) is not null || result.GetValue(_layout) is not null))
            {
                throw new DatasetUsageException($"{source} is a folder, read as a RecSynth dataset: --layout and the column options are for an event log file");
            }

            string? session = result.GetValue(_session);
            if (session is not null && session != "SessionId")
            {
                throw new DatasetUsageException($"{source} is a RecSynth dataset: its session column is SessionId (--session SessionId), not '{session}'");
            }

            return LogProfiles.FromDataset(source, gap, session is not null, progress, cancellationToken);
        }

        if (!File.Exists(source))
        {
            throw new DatasetUsageException($"{source} does not exist; give a RecSynth dataset folder or an event log file (CSV or Parquet)");
        }

        if (result.GetValue(_layout) == "gorse-jsonl")
        {
            return GorseLog.ReadJsonLines(source, Types(result), gap, progress, cancellationToken);
        }

        return LogProfiles.FromEventLog(source, Mapping(result, source), gap, progress, cancellationToken);
    }

    private EventLogMapping Mapping(ParseResult result, string source)
    {
        string layout = result.GetValue(_layout) ?? (result.GetValue(_user) is null ? "" : "columns");
        EventLogMapping mapping;
        switch (layout)
        {
            case "retailrocket":
                mapping = EventLogMapping.RetailRocket;
                break;
            case "columns":
                var missing = new[] { ("--user", result.GetValue(_user)), ("--item", result.GetValue(_item)), ("--type", result.GetValue(_type)), ("--time", result.GetValue(_time)) }
                    .Where(o => string.IsNullOrWhiteSpace(o.Item2)).Select(o => o.Item1).ToList();
                if (missing.Count > 0)
                {
                    throw new DatasetUsageException($"{source}: an event log read by columns needs {string.Join(", ", missing)} (the column names of the user, product, event type and time)");
                }

                mapping = new EventLogMapping { User = result.GetValue(_user)!, Item = result.GetValue(_item)!, Type = result.GetValue(_type)!, Time = result.GetValue(_time)! };
                break;
            case "":
                throw new DatasetUsageException($"{source} is a file: say how to read it, with --layout retailrocket, --layout gorse-jsonl, or --user, --item, --type and --time (docs/fitting.md)");
            default:
                throw new DatasetUsageException($"--layout: '{layout}' is not retailrocket, gorse-jsonl or columns");
        }

        if (result.GetValue(_session) is { } session)
        {
            mapping = mapping with { Session = session };
        }

        return result.GetValue(_types) is { } types ? EventLogMapping.WithTypes(mapping, types) : mapping;
    }

    /// <summary>A duration as 30m, 1h, 900s or 900 (seconds).</summary>
    internal static long Gap(string? text)
    {
        if (text is null)
        {
            return LogProfiler.DefaultSessionGapSeconds;
        }

        string t = text.Trim();
        long unit = t.EndsWith('h') ? 3600 : t.EndsWith('m') ? 60 : 1;
        string number = char.IsLetter(t.LastOrDefault()) && t[^1] is 'h' or 'm' or 's' ? t[..^1] : t;
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 && value <= 365L * 86_400 / unit
            ? value * unit
            : throw new DatasetUsageException($"--session-gap: '{text}' is not a duration such as 30m, 1h or 900s (more than 0, at most a year)");
    }
}

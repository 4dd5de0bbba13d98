using System.CommandLine;
using RecSynth.Bandits;
using RecSynth.Cli.Rendering;
using RecSynth.Configuration;
using RecSynth.Outside;
using RecSynth.Simulation;

namespace RecSynth.Cli.Commands;

/// <summary>The options of the verbs that run bandits in the closed loop (simulate, compare).</summary>
internal sealed class BanditArguments
{
    private bool _gorse = true;

    public Option<string> Arms { get; } = new("--arms")
    {
        Description = "What the policy chooses among: two (cf or image) or blend (the blend levels)",
        HelpName = "two|blend",
        DefaultValueFactory = _ => "two",
    };

    public Option<string> Recommender { get; } = new("--recommender")
    {
        Description = "What fills the slates: oracle (the generator's own sources), builtin (matrix factorisation retrained daily on the log, and the embeddings' nearest neighbours), gorse (a Gorse server: --gorse-url), or your own outside RecSynth, which answers each session's slate: exec:COMMAND or http://HOST:PORT/PATH (docs/outside-policies.md; then no --policy)",
        HelpName = "NAME",
        DefaultValueFactory = _ => "oracle",
    };

    public Option<string?> GorseUrl { get; } = new("--gorse-url")
    {
        Description = "The Gorse server of --recommender gorse, e.g. http://127.0.0.1:8088 (its API key from --api-key-env, default GORSE_API_KEY)",
        HelpName = "URL",
    };

    public Option<int?> GorseCacheSize { get; } = WholeNumbers.Int(
        "--gorse-cache-size", "The Gorse server's recommend.cache_size: CF lists are asked for no more items, so every CF position holds a CF item (default 100, Gorse's own and gorse-config's)");

    public Option<string?> ApiKeyVariable { get; } = new("--api-key-env")
    {
        Description = "Environment variable holding the Gorse API key (default GORSE_API_KEY; unset means no key)",
        HelpName = "NAME",
    };

    public Option<int?> Days { get; } = WholeNumbers.Int("--days", "Simulated days from the period's start (default: the config's period, a year)");

    public Option<string?> Step { get; } = new("--step")
    {
        Description = "Steps of the closed loop, day or hour: an outside policy (exec:…, http://…) chooses a step's sessions before it and learns after it; "
            + "given for built-in policies, they too learn only after each step (the one-step delay). Default: day for an outside policy; built-in ones learn from each session at once (docs/outside-policies.md)",
        HelpName = "day|hour",
    };

    public Option<double?> PolicyTimeout { get; } = new("--policy-timeout")
    {
        Description = "Seconds to wait for each answer of an outside policy (default 30)",
        HelpName = "SECONDS",
    };

    public Option<int?> PolicyBatch { get; } = WholeNumbers.Int("--policy-batch", "Most sessions in one choose or outcomes message to an outside policy (default 10,000)");

    public void AddTo(Command command, bool gorse = true)
    {
        _gorse = gorse;
        if (!gorse)
        {
            Recommender.Description = "What fills the slates: oracle (the generator's own sources) or builtin (matrix factorisation retrained daily on the log, and the embeddings' nearest neighbours)";
        }

        command.Options.Add(Arms);
        command.Options.Add(Recommender);
        if (gorse)
        {
            command.Options.Add(GorseUrl);
            command.Options.Add(GorseCacheSize);
            command.Options.Add(ApiKeyVariable);
        }

        command.Options.Add(Days);
        command.Options.Add(Step);
        command.Options.Add(PolicyTimeout);
        command.Options.Add(PolicyBatch);
    }

    /// <summary>--step: null when not given.</summary>
    public StepLength? ReadStep(ParseResult result, List<OptionProblem> problems)
    {
        string? text = result.GetValue(Step);
        switch (text?.ToLowerInvariant())
        {
            case null:
                return null;
            case "day":
                return StepLength.Day;
            case "hour":
                return StepLength.Hour;
            default:
                problems.Add(new("--step", text, "must be day or hour" + NameSuggestion.DidYouMean(text.ToLowerInvariant(), ["day", "hour"])));
                return null;
        }
    }

    /// <summary>How outside policies are talked to: --policy-timeout and --policy-batch; their child's stderr goes to ours.</summary>
    public OutsidePolicyOptions ReadOutside(ParseResult result, Consoles console, List<OptionProblem> problems, CancellationToken cancellationToken)
    {
        var options = new OutsidePolicyOptions { StandardError = console.StdErr, Cancellation = cancellationToken };
        if (result.GetValue(PolicyTimeout) is double seconds)
        {
            options = options with { Timeout = TimeSpan.FromSeconds(double.IsFinite(seconds) ? Math.Clamp(seconds, -1, 1e7) : -1) }; // out of range: Validate names it
        }

        if (result.GetValue(PolicyBatch) is int batch)
        {
            options = options with { Batch = batch };
        }

        problems.AddRange(options.Validate().Select(RecSynthApp.AsFlag));
        return options;
    }

    /// <summary>For --recommender gorse: the server and its key (never from the command line); otherwise null.</summary>
    public (Uri Endpoint, string? Key)? ReadGorse(ParseResult result, Recommender recommender, List<OptionProblem> problems)
    {
        string? url = result.GetValue(GorseUrl);
        if (recommender != Bandits.Recommender.Gorse)
        {
            if (url is not null)
            {
                problems.Add(new("--gorse-url", url, "is for --recommender gorse"));
            }

            return null;
        }

        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            problems.Add(new("--gorse-url", url ?? "", "--recommender gorse needs the server as an absolute http:// or https:// address"));
            return null;
        }

        return (endpoint, PushCommand.ApiKey(result.GetValue(ApiKeyVariable), null, problems));
    }

    public BanditArms ReadArms(ParseResult result, List<OptionProblem> problems) => ParseArms(result.GetValue(Arms) ?? "two", problems);

    /// <summary>--arms: two or blend (any case); a problem with a suggestion otherwise.</summary>
    public static BanditArms ParseArms(string text, List<OptionProblem> problems)
    {
        switch (text.ToLowerInvariant())
        {
            case "two":
                return BanditArms.Two;
            case "blend":
                return BanditArms.Blend;
            default:
                problems.Add(new("--arms", text, "must be two or blend" + NameSuggestion.DidYouMean(text.ToLowerInvariant(), ["two", "blend"])));
                return BanditArms.Two;
        }
    }

    public Recommender ReadRecommender(ParseResult result, List<OptionProblem> problems)
    {
        string text = result.GetValue(Recommender) ?? "oracle";
        switch (text)
        {
            case "oracle":
                return Bandits.Recommender.Oracle;
            case "builtin":
                return Bandits.Recommender.Builtin;
            case "gorse" when _gorse:
                return Bandits.Recommender.Gorse;
            default:
                string[] names = _gorse ? ["oracle", "builtin", "gorse"] : ["oracle", "builtin"];
                string why = text == "gorse"
                    ? "is not offered here: a Gorse server keeps the feedback of each run, so policies would not see identical conditions; run simulate once per policy on a fresh server"
                    : $"must be {string.Join(", ", names[..^1])} or {names[^1]}" + NameSuggestion.DidYouMean(text, names);
                problems.Add(new("--recommender", text, why));
                return Bandits.Recommender.Oracle;
        }
    }

    /// <summary>
    /// A problem when <paramref name="policy"/> names no policy, or (once the options are known) a fixed blend that is not
    /// one of the blend levels: checked before anything runs.
    /// </summary>
    public static void CheckPolicy(string option, string policy, RecSynthOptions? options, List<OptionProblem> problems)
    {
        if (OutsidePolicy.IsOutside(policy))
        {
            if (!OutsidePolicy.TryParse(policy, out _, out string? error))
            {
                problems.Add(new(option, policy, error));
            }

            return;
        }

        if (!PolicySpec.TryParse(policy, PolicyUse.ClosedLoop, out var spec, out string? why) || options is not null && (why = spec.CheckLevels(options.Behaviour.BlendLevels)) is not null)
        {
            problems.Add(new(option, policy, why));
        }
    }
}

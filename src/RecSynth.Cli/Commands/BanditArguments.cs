using System.CommandLine;
using RecSynth.Bandits;
using RecSynth.Configuration;

namespace RecSynth.Cli.Commands;

/// <summary>The options of the verbs that run bandits in the closed loop (simulate, compare).</summary>
internal sealed class BanditArguments
{
    public Option<string> Arms { get; } = new("--arms")
    {
        Description = "What the policy chooses among: two (cf or image) or blend (the blend levels)",
        HelpName = "two|blend",
        DefaultValueFactory = _ => "two",
    };

    public Option<string> Recommender { get; } = new("--recommender")
    {
        Description = "What fills the slates: oracle (the generator's own sources), builtin (matrix factorisation retrained daily on the log, and the embeddings' nearest neighbours); gorse is not available yet",
        HelpName = "NAME",
        DefaultValueFactory = _ => "oracle",
    };

    public Option<int?> Days { get; } = WholeNumbers.Int("--days", "Simulated days from the period's start (default: the config's period, a year)");

    public void AddTo(Command command)
    {
        command.Options.Add(Arms);
        command.Options.Add(Recommender);
        command.Options.Add(Days);
    }

    public BanditArms ReadArms(ParseResult result, List<OptionProblem> problems)
    {
        string text = result.GetValue(Arms) ?? "two";
        switch (text.ToLowerInvariant())
        {
            case "two":
                return BanditArms.Two;
            case "blend":
                return BanditArms.Blend;
            default:
                problems.Add(new("--arms", text, "must be two or blend"));
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
            case "gorse":
                problems.Add(new("--recommender", text, "the gorse recommender is not available in this version yet; use oracle or builtin"));
                return Bandits.Recommender.Oracle;
            default:
                problems.Add(new("--recommender", text, "must be oracle, builtin or gorse"));
                return Bandits.Recommender.Oracle;
        }
    }

    public static void CheckPolicy(string option, string policy, List<OptionProblem> problems)
    {
        if (BanditPolicies.Validate(policy) is { } why)
        {
            problems.Add(new(option, policy, why));
        }
    }
}

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
        Description = "What fills the slates: oracle (the generator's own sources); builtin and gorse are not available yet",
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

    public void CheckRecommender(ParseResult result, List<OptionProblem> problems)
    {
        string text = result.GetValue(Recommender) ?? "oracle";
        if (text != "oracle")
        {
            problems.Add(new("--recommender", text, text is "builtin" or "gorse"
                ? $"the {text} recommender is not available in this version yet; use oracle (the generator's own CF and image sources)"
                : "must be oracle, builtin or gorse"));
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

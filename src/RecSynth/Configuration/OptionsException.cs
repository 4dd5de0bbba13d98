namespace RecSynth.Configuration;

/// <summary>Thrown when options are invalid; carries every problem found, not just the first.</summary>
public sealed class OptionsException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public OptionsException(IReadOnlyList<OptionProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    /// <summary>Creates the exception with a single message.</summary>
    public OptionsException(string message)
        : base(message) => Problems = [];

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public OptionsException(string message, Exception innerException)
        : base(message, innerException) => Problems = [];

    /// <summary>Creates the exception with no detail.</summary>
    public OptionsException()
        : this("invalid options")
    {
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<OptionProblem> Problems { get; }

    private static string Describe(IReadOnlyList<OptionProblem> problems) =>
        problems.Count == 1
            ? $"invalid configuration: {problems[0]}"
            : $"invalid configuration ({problems.Count} problems):" + Environment.NewLine
              + string.Join(Environment.NewLine, problems.Select(p => "  " + p.ToString()));
}

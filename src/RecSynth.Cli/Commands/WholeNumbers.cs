using System.CommandLine;
using System.Globalization;

namespace RecSynth.Cli.Commands;

/// <summary>Integer options whose parse errors name the option and the text, e.g. "--products: 'abc' is not a whole number".</summary>
internal static class WholeNumbers
{
    public static Option<int?> Int(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a whole number" + (long.TryParse(text, CultureInfo.InvariantCulture, out _) ? $" in [{int.MinValue}, {int.MaxValue}]" : ""));
            return null;
        },
    };

    public static Option<long?> Long(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a whole number");
            return null;
        },
    };
}

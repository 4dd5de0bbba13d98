namespace RecSynth.Configuration;

/// <summary>One thing wrong with a configuration: where (the TOML key path), what was given, and what is allowed.</summary>
/// <param name="KeyPath">The dotted TOML key path, e.g. <c>catalog.price.sigma</c>.</param>
/// <param name="Value">The offending value as text.</param>
/// <param name="Message">What is allowed, e.g. "must be in [0, 1]".</param>
/// <param name="Location">Where it was written, e.g. <c>recsynth.toml:12</c>, when known.</param>
public readonly record struct OptionProblem(string KeyPath, string Value, string Message, string? Location = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        (Location is null ? "" : Location + ": ")
        + (KeyPath.Length == 0 ? "" : Value.Length == 0 ? KeyPath + ": " : $"{KeyPath} = {Value}: ")
        + Message;
}

namespace RecSynth.Configuration;

/// <summary>
/// An entry of a vocabulary table (a color, a brand, a category…): written in TOML as
/// <c>Name = value</c> when it has a single other knob, or <c>Name = { knob = value, … }</c>.
/// </summary>
public interface INamedEntry
{
    /// <summary>The value as written in the data files.</summary>
    string Name { get; }
}

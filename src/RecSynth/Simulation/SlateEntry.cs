using RecSynth.Behaviour;

namespace RecSynth.Simulation;

/// <summary>A product of a slate chosen by a step policy, and the source it is shown as.</summary>
/// <param name="Item">The product's index.</param>
/// <param name="Source">The source it came from (as interactions.csv's rec_type writes it).</param>
public readonly record struct SlateEntry(int Item, RecType Source);

namespace RecSynth.Simulation;

/// <summary>A step of a stepped run: its 0-based number and its bounds, [<paramref name="From"/>, <paramref name="To"/>) in Unix seconds.</summary>
public readonly record struct PolicyStep(int Index, long From, long To);

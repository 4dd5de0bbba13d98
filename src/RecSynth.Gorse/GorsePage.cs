namespace RecSynth.Gorse;

/// <summary>One page of a cursor-paged listing.</summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Rows">The rows of this page.</param>
/// <param name="Cursor">The cursor of the next page; empty on the last page.</param>
public sealed record GorsePage<T>(IReadOnlyList<T> Rows, string Cursor);

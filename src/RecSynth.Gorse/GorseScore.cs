namespace RecSynth.Gorse;

/// <summary>One entry of a Gorse score list: an item (or user) id and its score.</summary>
/// <param name="Id">The item or user id.</param>
/// <param name="Score">The score (for <c>/api/latest</c>, the item's timestamp in Unix seconds).</param>
public sealed record GorseScore(string Id, double Score);

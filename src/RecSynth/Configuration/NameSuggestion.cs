namespace RecSynth.Configuration;

/// <summary>
/// The "did you mean" of error messages: the valid name closest to a misspelt one (a config key, a policy, a command-line
/// option), by edit distance.
/// </summary>
public static class NameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="text"/> by Levenshtein distance (the first of equals), or null when none
    /// is within max(2, a third of the text's length) edits: a suggestion further off would mislead more than it helps.
    /// </summary>
    public static string? Closest(string text, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(text, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, text.Length / 3) ? best : null;
    }

    /// <summary>"; did you mean 'x'?" for the <see cref="Closest"/> candidate, or "" when there is none.</summary>
    public static string DidYouMean(string text, IEnumerable<string> candidates) =>
        Closest(text, candidates) is { } best ? $"; did you mean '{best}'?" : "";

    /// <summary>The Levenshtein distance: insertions, deletions and substitutions that turn one text into the other.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                row[j] = Math.Min(Math.Min(row[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, row) = (row, previous);
        }

        return previous[b.Length];
    }
}

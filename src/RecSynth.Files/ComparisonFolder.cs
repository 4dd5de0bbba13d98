using System.Text;
using RecSynth.Bandits;
using RecSynth.Files.Internals;

namespace RecSynth.Files;

/// <summary>
/// The learning curves of a comparison (<c>recsynth compare -o DIR</c>): one <c>metrics-&lt;run&gt;.csv</c> per policy
/// (and seed), in the columns of <c>simulate</c>'s <c>metrics.csv</c>, which <c>recsynth report DIR</c> draws one line
/// each in its charts (docs/report.md).
/// </summary>
public static class ComparisonFolder
{
    /// <summary>
    /// Writes <c>metrics-&lt;name&gt;.csv</c> for each run into <paramref name="directory"/> (created if missing), each
    /// file whole or not at all; a name's characters other than letters, digits, <c>.</c>, <c>_</c> and <c>-</c> become
    /// <c>_</c>. Returns the files' names.
    /// </summary>
    /// <exception cref="DatasetUsageException">Two runs would write the same file.</exception>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<(string Name, ClosedLoopResult Result)> runs)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(runs);
        var names = runs.Select(r => $"metrics-{FileName(r.Name)}.csv").ToList();
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new DatasetUsageException($"two runs would both write {twice.Key}: give the policies distinct names");
        }

        Directory.CreateDirectory(directory);
        for (int i = 0; i < runs.Count; i++)
        {
            var (text, _) = MetricsTable.Format(runs[i].Result);
            string target = Path.Combine(directory, names[i]);
            string temporary = Path.Combine(directory, $".{names[i]}.{Environment.ProcessId}.tmp");
            try
            {
                File.WriteAllBytes(temporary, text);
                File.Move(temporary, target, overwrite: true);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }

        return names;
    }

    /// <summary>A run's name as a file name's part: letters, digits, '.', '_' and '-' kept, anything else '_'.</summary>
    public static string FileName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        return text.Length == 0 ? "_" : text.ToString();
    }
}

using System.Globalization;
using System.Text;
using RecSynth.Files;

namespace RecSynth.Reports.Internals;

/// <summary>Writing a report page: never over a folder, into an existing folder, and never half-written.</summary>
internal static class ReportFile
{
    /// <summary>
    /// Checks <paramref name="output"/>, renders the page whole in memory, writes it beside the target and renames it
    /// over the target. Returns the target's full path.
    /// </summary>
    /// <exception cref="DatasetUsageException">The output is a folder, or its folder does not exist. Nothing was written.</exception>
    public static string Write(string output, string exampleName, Func<string> render, CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(output);
        if (Directory.Exists(target))
        {
            throw new DatasetUsageException($"{target} is a folder; give the report's file name (e.g. -o {Path.Combine(target, exampleName)})");
        }

        string folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new DatasetUsageException($"{folder} does not exist: the report's folder must exist");
        }

        byte[] page = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(render());
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        try
        {
            File.WriteAllBytes(temporary, page);
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return target;
    }
}

using RecSynth.Files;

namespace RecSynth.Cli.Commands;

/// <summary>Writing a config file (<c>init</c>, <c>fit</c>): never over a folder, over a file only when forced, never half written.</summary>
internal static class ConfigOutput
{
    /// <summary>Refuses a folder, a file that exists (unless <paramref name="force"/>), and a missing parent folder.</summary>
    public static void CheckTarget(string path, bool force)
    {
        if (Directory.Exists(path))
        {
            throw new DatasetUsageException($"{path} is a folder; give a file name with -o");
        }

        if (File.Exists(path) && !force)
        {
            throw new DatasetUsageException($"{path} already exists; use --force to overwrite it");
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new IOException($"cannot write {path}: the folder {folder} does not exist");
        }
    }

    /// <summary>Writes <paramref name="text"/> next to <paramref name="path"/> under a fresh name and renames it, so an interrupted write never leaves half a file.</summary>
    public static async Task WriteAtomically(string path, string text, CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Path.GetRandomFileName() + ".tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, text, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // the write failure is the one to report
            }

            throw e is OperationCanceledException ? e : new IOException($"cannot write {path}: {e.Message}", e);
        }
    }
}

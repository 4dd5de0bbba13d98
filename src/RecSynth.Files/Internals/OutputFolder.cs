using System.Globalization;

namespace RecSynth.Files.Internals;

/// <summary>
/// The output folder's life cycle. New files are written to a staging folder inside it and moved in only when
/// every one is complete; the manifest goes last. The old manifest is removed before anything is replaced, so
/// a crash at any point never leaves a folder that looks like a complete dataset but is not. On failure the
/// staging folder is deleted and the folder's previous content is untouched.
/// </summary>
internal sealed class OutputFolder
{
    public const string StagingName = ".recsynth-staging";

    private readonly string? _createdRoot; // the outermost folder this run created, if any

    /// <summary>
    /// Called with the staging folder's path once it exists, before anything is written into it. A test seam:
    /// a test watching the folder waits here until its watcher covers the new staging folder.
    /// </summary>
    internal static event Action<string>? StagingCreated;

    private OutputFolder(string path, string? createdRoot, DatasetManifest? previous)
    {
        Path = path;
        _createdRoot = createdRoot;
        Previous = previous;
        Staging = System.IO.Path.Combine(path, StagingName);
    }

    public string Path { get; }

    public string Staging { get; }

    /// <summary>The dataset already in the folder, if any.</summary>
    public DatasetManifest? Previous { get; }

    /// <summary>Checks the folder can take the stages' files, creates it and an empty staging folder.</summary>
    /// <exception cref="DatasetUsageException">The folder holds data and <paramref name="force"/> is off.</exception>
    public static OutputFolder Prepare(string path, IReadOnlyCollection<string> stages, IReadOnlyCollection<string> stageFiles, bool force)
    {
        path = System.IO.Path.GetFullPath(path);
        if (File.Exists(path))
        {
            throw new DatasetUsageException($"output path {path} is a file, not a folder; choose a folder with -o");
        }

        DatasetManifest? previous = null;
        string? createdRoot = null;
        if (Directory.Exists(path))
        {
            if (stageFiles.FirstOrDefault(f => Directory.Exists(System.IO.Path.Combine(path, f))) is { } blocked)
            {
                throw new DatasetUsageException(
                    $"{System.IO.Path.Combine(path, blocked)} exists and is a folder: the dataset's {blocked} cannot be written there, not even with --force; move it away or choose another folder with -o");
            }

            string[] entries = [.. Directory.EnumerateFileSystemEntries(path)
                .Select(System.IO.Path.GetFileName)
                .Where(n => n is not null && n != StagingName)
                .Order(StringComparer.Ordinal)!];
            string manifestPath = System.IO.Path.Combine(path, DatasetManifest.FileName);
            if (File.Exists(manifestPath))
            {
                try
                {
                    previous = DatasetManifest.Read(manifestPath);
                }
                catch (InvalidDataException) when (force)
                {
                    previous = null;
                }
                catch (InvalidDataException e)
                {
                    throw new DatasetUsageException($"output folder {path} holds a manifest.json that is not RecSynth's ({e.Message}); use --force to write over it, or choose another folder with -o", e);
                }
            }

            if (entries.Length > 0 && !force)
            {
                if (previous is null)
                {
                    throw new DatasetUsageException(
                        $"output folder {path} is not empty ({Describe(entries)}) and holds no RecSynth dataset; use --force to write into it anyway, or choose another folder with -o");
                }

                string[] clash = [.. stages.Where(previous.Stages.ContainsKey)];
                string[] clashFiles = [.. stageFiles.Where(f => File.Exists(System.IO.Path.Combine(path, f)))];
                if (clash.Length > 0 || clashFiles.Length > 0)
                {
                    string what = clash.Length > 0 ? "the " + string.Join(" and ", clash) + " stage" + (clash.Length > 1 ? "s" : "") : string.Join(", ", clashFiles);
                    throw new DatasetUsageException(
                        $"output folder {path} already holds {what} of a RecSynth dataset ({Describe(entries)}); use --force to replace {(clash.Length > 1 || clashFiles.Length > 1 ? "them" : "it")}, or choose another folder with -o");
                }
            }
        }
        else
        {
            createdRoot = path;
            for (string? parent = System.IO.Path.GetDirectoryName(path); parent is not null && !Directory.Exists(parent); parent = System.IO.Path.GetDirectoryName(parent))
            {
                createdRoot = parent;
            }

            Directory.CreateDirectory(path);
        }

        var folder = new OutputFolder(path, createdRoot, previous);
        if (Directory.Exists(folder.Staging))
        {
            Directory.Delete(folder.Staging, recursive: true); // left by a run that was killed
        }

        Directory.CreateDirectory(folder.Staging);
        StagingCreated?.Invoke(folder.Staging);
        return folder;
    }

    /// <summary>Moves the staged files in (replacing <paramref name="replaced"/>), then the manifest.</summary>
    public void Commit(IEnumerable<string> files, IEnumerable<string> replaced, DatasetManifest manifest)
    {
        string manifestPath = System.IO.Path.Combine(Path, DatasetManifest.FileName);
        File.WriteAllBytes(System.IO.Path.Combine(Staging, DatasetManifest.FileName), manifest.ToJsonBytes());
        File.Delete(manifestPath);
        var incoming = files.ToHashSet(StringComparer.Ordinal);
        foreach (string stale in replaced.Where(f => !incoming.Contains(f)))
        {
            File.Delete(System.IO.Path.Combine(Path, stale));
        }

        foreach (string file in incoming)
        {
            File.Move(System.IO.Path.Combine(Staging, file), System.IO.Path.Combine(Path, file), overwrite: true);
        }

        File.Move(System.IO.Path.Combine(Staging, DatasetManifest.FileName), manifestPath, overwrite: true);
        Directory.Delete(Staging, recursive: true);
    }

    /// <summary>Removes everything this run wrote; the folder's previous content is untouched.</summary>
    public void Abort()
    {
        try
        {
            if (Directory.Exists(Staging))
            {
                Directory.Delete(Staging, recursive: true);
            }

            // Remove the folders this run created, innermost first, as long as they are empty.
            for (string? folder = Path; _createdRoot is not null && folder is not null && folder.Length >= _createdRoot.Length; folder = System.IO.Path.GetDirectoryName(folder))
            {
                if (!Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    break;
                }

                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the failure that brought us here is the one to report.
        }
    }

    private static string Describe(string[] entries) =>
        entries.Length <= 3
            ? string.Join(", ", entries)
            : string.Join(", ", entries.Take(3)) + string.Create(CultureInfo.InvariantCulture, $" and {entries.Length - 3} more");
}

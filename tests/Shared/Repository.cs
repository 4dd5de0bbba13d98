namespace RecSynth.Testing;

/// <summary>Locates the repository (the folder holding RecSynth.slnx) from the test binaries.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "RecSynth.slnx")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("RecSynth.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}

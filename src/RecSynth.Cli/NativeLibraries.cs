using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace RecSynth.Cli;

/// <summary>
/// SkiaSharp's native libraries, which the report's charts need, and SQLite's (e_sqlite3), which `push --database
/// sqlite://` needs. The native build (PublishAot, RecSynth.Cli.csproj)
/// carries them inside the binary as resources, so the binary alone is the whole tool: at the first call into one, it
/// is written into a new private temporary folder, loaded from there, and the folder removed (a loaded library needs
/// no file). A library beside the binary, where the default probing looks, is used instead when there is one.
/// </summary>
internal static class NativeLibraries
{
    private const string ResourcePrefix = "native/";

    private static readonly ConcurrentDictionary<string, nint> s_loaded = new(StringComparer.Ordinal);
    private static int s_registered;

    /// <summary>Why the embedded copy of a library could not be loaded, for the message when it is then missing.</summary>
    private static string? s_failure;

    /// <summary>Resolves SkiaSharp's and SQLite's libraries from the binary's resources when it has them (only the native build does).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1 || !Assembly().GetManifestResourceNames().Any(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(SkiaSharp.SKObject).Assembly, Resolve);
        NativeLibrary.SetDllImportResolver(typeof(HarfBuzzSharp.Blob).Assembly, Resolve);
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
    }

    /// <summary>The file a DllImport name stands for on this system: libSkiaSharp is libSkiaSharp.so on Linux.</summary>
    public static string FileName(string name)
    {
        string extension = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        return name.EndsWith(extension, StringComparison.Ordinal) ? name : name + extension;
    }

    /// <summary>
    /// The message for a library that could not be loaded (a <see cref="DllNotFoundException"/>, or a type
    /// initializer that failed on one), or null when <paramref name="exception"/> is not that.
    /// </summary>
    public static string? Describe(Exception exception)
    {
        var cause = exception;
        while (cause is TypeInitializationException { InnerException: { } inner })
        {
            cause = inner;
        }

        if (cause is not DllNotFoundException missing)
        {
            return null;
        }

        string[] quoted = missing.Message.Split('\'');
        string file = FileName(quoted.Length > 2 ? quoted[1] : "libSkiaSharp");
        return $"{file} could not be loaded: the report draws its charts with SkiaSharp, whose native library must be beside the recsynth binary: {Path.Combine(AppContext.BaseDirectory, file)}"
            + (s_failure is null ? " (copy it from the folder the build wrote; see the README, \"Native build\")" : $"; the copy inside the binary could not be loaded: {s_failure}");
    }

    /// <summary>Writes <paramref name="library"/> into a new folder under <paramref name="temporary"/> (only this user may enter it), loads it and removes the folder.</summary>
    internal static nint Load(Stream library, string file, string temporary)
    {
        string folder = Path.Combine(temporary, "recsynth-" + Path.GetRandomFileName());
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            string path = Path.Combine(folder, file);
            using (var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                library.CopyTo(copy);
            }

            return NativeLibrary.Load(path);
        }
        finally
        {
            if (!OperatingSystem.IsWindows())
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // SkiaSharp imports "libSkiaSharp"; SQLite's provider imports "e_sqlite3", whose file is libe_sqlite3.so.
        string file = FileName(name);
        if (!OperatingSystem.IsWindows() && !file.StartsWith("lib", StringComparison.Ordinal) && Assembly().GetManifestResourceInfo(ResourcePrefix + "lib" + file) is not null)
        {
            file = "lib" + file;
        }

        if (File.Exists(Path.Combine(AppContext.BaseDirectory, file)))
        {
            return 0; // the default probing loads the one beside the binary
        }

        return s_loaded.GetOrAdd(file, f =>
        {
            using var resource = Assembly().GetManifestResourceStream(ResourcePrefix + f);
            if (resource is null)
            {
                return 0;
            }

            try
            {
                return Load(resource, f, Path.GetTempPath());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException)
            {
                s_failure = $"{e.Message.Trim()} It is unpacked into {Path.GetTempPath()} (TMPDIR), which must be writable and allow running programs.";
                return 0;
            }
        });
    }

    private static Assembly Assembly() => typeof(NativeLibraries).Assembly;
}

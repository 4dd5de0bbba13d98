using RecSynth.Cli.Rendering;

namespace RecSynth.Cli.Tests;

/// <summary>
/// The report's charts need SkiaSharp's native library. A binary without it gets one message naming the file and
/// where it must be (exit 1), not a TypeInitializationException; the native build carries the library inside itself.
/// </summary>
public sealed class NativeLibraryTests
{
    private const string Missing = "Unable to load shared library 'libSkiaSharp' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.";

    private static (int Code, string StdErr) Report(Exception exception)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = RecSynthApp.Report(new Consoles(stdout, stderr), exception);
        Assert.Equal("", stdout.ToString());
        return (code, stderr.ToString());
    }

    /// <summary>How the runtime reports the missing library: at the call, or from the type initializer that made it (nested or not).</summary>
    public static TheoryData<string> MissingLibrary => ["call", "type initializer", "nested type initializers"];

    [Theory]
    [MemberData(nameof(MissingLibrary))]
    public void A_missing_native_library_is_one_message_naming_the_file_and_where_it_must_be(string how)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the file names are Linux's");
        var missing = new DllNotFoundException(Missing);
        Exception exception = how switch
        {
            "call" => missing,
            "type initializer" => new TypeInitializationException("SkiaSharp.SKImageInfo", missing),
            _ => new TypeInitializationException("ScottPlot.Fonts", new TypeInitializationException("SkiaSharp.SKTypeface", missing)),
        };

        var (code, stderr) = Report(exception);

        Assert.Equal(1, code);
        Assert.StartsWith("recsynth: error: libSkiaSharp.so could not be loaded", stderr, StringComparison.Ordinal);
        Assert.Contains($"beside the recsynth binary: {Path.Combine(AppContext.BaseDirectory, "libSkiaSharp.so")}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("TypeInitializationException", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_type_initializer_that_failed_for_another_reason_keeps_its_own_message()
    {
        var (code, stderr) = Report(new TypeInitializationException("X", new InvalidOperationException("the real cause")));

        Assert.Equal(1, code);
        Assert.Contains("the real cause", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libSkiaSharp", "libSkiaSharp.so")]
    [InlineData("libHarfBuzzSharp", "libHarfBuzzSharp.so")]
    [InlineData("libSkiaSharp.so", "libSkiaSharp.so")]
    public void A_library_name_is_the_file_the_system_loads(string name, string file)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the file names are Linux's");

        Assert.Equal(file, NativeLibraries.FileName(name));
    }

    [Fact]
    public void An_embedded_library_is_loaded_from_a_private_temporary_folder_that_is_gone_afterwards()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && RuntimeInformationIsX64(), "the test copies the linux-x64 library of the NuGet package");
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libSkiaSharp.so");
        Assert.True(File.Exists(library), $"{library} is not beside the tests");
        string temp = Path.Combine(Path.GetTempPath(), "recsynth-native-test-" + Path.GetRandomFileName());
        Directory.CreateDirectory(temp);
        try
        {
            using var stream = File.OpenRead(library);

            nint handle = NativeLibraries.Load(stream, "libSkiaSharp.so", temp);

            Assert.NotEqual(0, handle);
            Assert.NotEqual(0, System.Runtime.InteropServices.NativeLibrary.GetExport(handle, "sk_version_get_milestone"));
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static bool RuntimeInformationIsX64() =>
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;
}

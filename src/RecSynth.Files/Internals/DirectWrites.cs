using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RecSynth.Files.Internals;

/// <summary>
/// Writes that bypass the page cache (Linux's O_DIRECT), for the large tables: a buffered write copies every byte into
/// the kernel's page cache, which then writes it out, and at the large preset that copy (and the pages it takes) was a
/// tenth of the run's processor time on both cores (docs/benchmarks.md). .NET opens files without O_DIRECT and has no
/// option for it, so it is set on the open file with fcntl. Where the system or file system does not take it (another
/// operating system, tmpfs), the file is written through the page cache as before.
/// </summary>
internal static partial class DirectWrites
{
    /// <summary>What a direct write's buffer address, file offset and length must be multiples of (the largest logical block size in use).</summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3; // F_GETFL
    private const int SetFlags = 4; // F_SETFL

    /// <summary>Whether the environment variable RECSYNTH_DIRECT_IO is 0: every file through the page cache (for comparing the two).</summary>
    private static readonly bool s_off = Environment.GetEnvironmentVariable("RECSYNTH_DIRECT_IO") == "0";

    /// <summary>O_DIRECT's value on this processor (it differs between architectures), or 0 where it is not used.</summary>
    private static int DirectFlag => !OperatingSystem.IsLinux() || s_off ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    /// <summary>Turns direct writes on or off for <paramref name="file"/>; false when the system refuses (the file is then written as before).</summary>
    public static bool TrySet(SafeFileHandle file, bool on)
    {
        int flag = DirectFlag;
        if (flag == 0)
        {
            return false;
        }

        try
        {
            int fd = (int)file.DangerousGetHandle();
            int flags = Fcntl(fd, GetFlags, 0);
            return flags >= 0 && Fcntl(fd, SetFlags, on ? flags | flag : flags & ~flag) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // a C library without fcntl under that name
        }
    }

    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int Fcntl(int fd, int command, int argument);
}

using System.Runtime.InteropServices;

namespace RecSynth.Testing;

/// <summary>The two libc calls the database fixtures need and .NET does not offer: who we are, and a signal other than SIGKILL.</summary>
internal static class NativeMethods
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SendSignal(int pid, int signal);
}

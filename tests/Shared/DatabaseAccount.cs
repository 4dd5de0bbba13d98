using System.Diagnostics;

namespace RecSynth.Testing;

/// <summary>
/// The operating-system user a throwaway database server runs as. PostgreSQL refuses to run as root and MariaDB
/// wants to be told, and CI runs as root: there the servers run as the system user <see cref="SystemUser"/>
/// (created with useradd when missing), through setpriv; otherwise as the current user.
/// </summary>
internal static class DatabaseAccount
{
    public const string SystemUser = "recsynth-db";

    private static readonly SemaphoreSlim s_creating = new(1, 1);

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0;

    public static string Name => IsRoot ? SystemUser : Environment.UserName;

    /// <summary>Creates the folder's owner as needed and hands the folder (recursively) to the account.</summary>
    public static async Task TakeAsync(string folder, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        await EnsureSystemUserAsync(cancellationToken);
        await RunCheckedAsync("chown", ["-R", SystemUser + ":", folder], TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>A start description for a program run as the account, in the given working folder.</summary>
    public static ProcessStartInfo Command(string file, IEnumerable<string> args, string workingFolder)
    {
        var start = Plain(IsRoot ? "setpriv" : file, workingFolder);
        if (IsRoot)
        {
            foreach (string arg in new[] { "--reuid=" + SystemUser, "--regid=" + SystemUser, "--init-groups", "--", file })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs a program to its end as the current user; returns its exit code and output.</summary>
    public static Task<(int Code, string Output, string Error)> RunAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Plain(file, Path.GetTempPath());
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return RunAsync(start, timeout, cancellationToken);
    }

    /// <summary>Runs a start description to its end; kills it on timeout or cancellation.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static async Task RunCheckedAsync(string file, string[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (code, output, error) = await RunAsync(file, args, timeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {code}: {error}{output}");
        }
    }

    private static async Task EnsureSystemUserAsync(CancellationToken cancellationToken)
    {
        await s_creating.WaitAsync(cancellationToken);
        try
        {
            // Test projects run in parallel: another may create the user, or hold the passwd lock, meanwhile.
            for (int attempt = 1; ; attempt++)
            {
                if ((await RunAsync("id", ["-u", SystemUser], TimeSpan.FromSeconds(10), cancellationToken)).Code == 0)
                {
                    return;
                }

                var (code, output, error) = await RunAsync(
                    "useradd",
                    ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SystemUser],
                    TimeSpan.FromSeconds(30),
                    cancellationToken);
                if (code == 0)
                {
                    return;
                }

                if (attempt == 5)
                {
                    throw new InvalidOperationException($"useradd {SystemUser} exited with {code}: {error}{output}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
        finally
        {
            s_creating.Release();
        }
    }

    private static ProcessStartInfo Plain(string file, string workingFolder) => new(file)
    {
        UseShellExecute = false,
        WorkingDirectory = workingFolder,
    };
}

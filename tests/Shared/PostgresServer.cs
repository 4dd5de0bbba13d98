using System.Globalization;

namespace RecSynth.Testing;

/// <summary>
/// A throwaway PostgreSQL server from Debian's packages (postgresql, which .ci/run installs): a fresh cluster (initdb)
/// in a temp folder, listening on 127.0.0.1 on a free port and on a unix socket in that folder, run as
/// <see cref="DatabaseAccount"/>, with one password-protected superuser. Dispose stops it (fast shutdown) and deletes
/// the folder. Tests that need it skip when PostgreSQL is missing on a developer machine, and fail instead when CI is "true".
/// </summary>
internal sealed class PostgresServer : DatabaseServer
{
    private static readonly Lazy<string?> s_binaries = new(FindBinaries);

    private PostgresServer(TempDirectory folder, int port, string password)
        : base(folder, Launch(folder.Path, port), port, password, NativeMethods.SigInt)
    {
    }

    /// <summary>Why the tests cannot run a PostgreSQL server here, or null when they can.</summary>
    public static string? Missing => s_binaries.Value is null ? "PostgreSQL's initdb, postgres, pg_isready and psql not found under /usr/lib/postgresql/*/bin or on PATH" : null;

    public string SocketFolder => Folder;

    protected override string AdminDatabase => "postgres";

    private static string Bin => s_binaries.Value!;

    /// <summary>Skips the test when PostgreSQL is missing, unless CI=true, where it fails.</summary>
    public static void Require() => Require(Missing, "PostgreSQL", "postgresql");

    public static Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        Require();
        return StartAsync("postgres", InitialiseAsync, (folder, port, password) => new PostgresServer(folder, port, password), cancellationToken);
    }

    public override string ConnectionString(string database = "postgres") =>
        $"Host={Host};Port={Port};Username={UserName};Password={Password};Database={database};SSL Mode=Disable;Pooling=false";

    public override string GorseUrl(string database) => $"postgres://{UserName}:{Password}@{Host}:{Port}/{database}?sslmode=disable";

    /// <summary>Runs SQL with psql; rows come unaligned, fields separated by '|'.</summary>
    public override Task<string> QueryAsync(string database, string sql, CancellationToken cancellationToken = default) => ClientAsync(
        Path.Combine(Bin, "psql"),
        ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", UserName, "-d", database, "-c", sql],
        sql,
        cancellationToken,
        new Dictionary<string, string> { ["PGPASSWORD"] = Password, ["PGCONNECT_TIMEOUT"] = "10" });

    protected override string CreateDatabaseSql(string name) => $"CREATE DATABASE {name} ENCODING 'UTF8'";

    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        (await DatabaseAccount.RunAsync(
            Path.Combine(Bin, "pg_isready"),
            ["-q", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", UserName, "-d", "postgres", "-t", "5"],
            TimeSpan.FromSeconds(10),
            cancellationToken)).Code == 0;

    private static async Task InitialiseAsync(string folder, string password, CancellationToken cancellationToken)
    {
        string passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken);
        try
        {
            await InitialiseAsync(
                Path.Combine(Bin, "initdb"),
                ["-D", Path.Combine(folder, "data"), "-U", UserName, "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                folder,
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static ServerProcess Launch(string folder, int port) => ServerProcess.Start(DatabaseAccount.Command(
        Path.Combine(Bin, "postgres"),
        [
            "-D", Path.Combine(folder, "data"), "-p", port.ToString(CultureInfo.InvariantCulture), "-k", folder,
            "-c", "listen_addresses=" + Host, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ],
        folder));

    /// <summary>The newest /usr/lib/postgresql/VERSION/bin holding initdb, postgres, pg_isready and psql; else a PATH folder that does.</summary>
    private static string? FindBinaries()
    {
        static bool Complete(string folder) => new[] { "initdb", "postgres", "pg_isready", "psql" }.All(tool => File.Exists(Path.Combine(folder, tool)));

        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => (Folder: Path.Combine(folder, "bin"), Version: double.TryParse(Path.GetFileName(folder), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Folder)
            : [];
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return versions.Concat(path).FirstOrDefault(Complete);
    }
}

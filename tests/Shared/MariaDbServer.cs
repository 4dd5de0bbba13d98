using System.Globalization;

namespace RecSynth.Testing;

/// <summary>
/// A throwaway MariaDB server from Debian's packages (mariadb-server and mariadb-client, which .ci/run installs): a
/// fresh data folder (mariadb-install-db) in a temp folder, listening on 127.0.0.1 on a free port and on a unix socket in
/// that folder, run as <see cref="DatabaseAccount"/>, with one password-protected user holding every privilege. Dispose
/// stops it (SIGTERM) and deletes the folder. Tests that need it skip when MariaDB is missing on a developer machine,
/// and fail instead when CI is "true".
/// </summary>
internal sealed class MariaDbServer : DatabaseServer
{
    private static readonly Lazy<Binaries?> s_binaries = new(FindBinaries);

    private MariaDbServer(TempDirectory folder, int port, string password)
        : base(folder, Launch(folder.Path, port), port, password, NativeMethods.SigTerm)
    {
    }

    /// <summary>Why the tests cannot run a MariaDB server here, or null when they can.</summary>
    public static string? Missing => s_binaries.Value is null
        ? "MariaDB's mariadbd (or mysqld), mariadb-install-db (or mysql_install_db), mariadb (or mysql) and mariadb-admin (or mysqladmin) not found"
        : null;

    public string Socket => Path.Combine(Folder, "mysqld.sock");

    protected override string AdminDatabase => "mysql";

    private static Binaries Tools => s_binaries.Value!;

    /// <summary>Skips the test when MariaDB is missing, unless CI=true, where it fails.</summary>
    public static void Require() => Require(Missing, "MariaDB", "mariadb-server and mariadb-client");

    public static Task<MariaDbServer> StartAsync(CancellationToken cancellationToken = default)
    {
        Require();
        return StartAsync(
            "mariadb",
            // Temporary files in the server's own folder (--tmpdir), not /tmp: a set-up failed once in CI with "Could not
            // remove temporary table '/tmp/#sql-temptable-…'", then "Unknown table 'mysql.tmp_user_sys'".
            (folder, _, token) => InitialiseAsync(
                Tools.InstallDb,
                ["--no-defaults", "--datadir=" + Path.Combine(folder, "data"), "--tmpdir=" + folder, "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
                folder,
                token),
            (folder, port, password) => new MariaDbServer(folder, port, password),
            cancellationToken);
    }

    public override string ConnectionString(string database) =>
        $"Server={Host};Port={Port};User ID={UserName};Password={Password};Database={database};SslMode=None;Pooling=false";

    /// <summary>go-sql-driver's DSN after <c>mysql://</c>, as Gorse's config documents it.</summary>
    public override string GorseUrl(string database) => $"mysql://{UserName}:{Password}@tcp({Host}:{Port})/{database}?parseTime=true";

    /// <summary>Runs SQL with the mariadb client over TCP as <see cref="DatabaseServer.UserName"/>; rows come tab-separated.</summary>
    public override Task<string> QueryAsync(string database, string sql, CancellationToken cancellationToken = default) =>
        Client(["--protocol=tcp", "--host=" + Host, "--port=" + Port.ToString(CultureInfo.InvariantCulture), "--user=" + UserName, "--password=" + Password, "--database=" + database], sql, cancellationToken);

    protected override string CreateDatabaseSql(string name) => $"CREATE DATABASE {name} CHARACTER SET utf8mb4";

    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        (await DatabaseAccount.RunAsync(
            Tools.Admin,
            ["--no-defaults", "--socket=" + Socket, "--user=root", "--connect-timeout=5", "ping"],
            TimeSpan.FromSeconds(10),
            cancellationToken)).Code == 0;

    /// <summary>root (no password, on the socket only) creates the user the tests connect as over TCP.</summary>
    protected override Task OnReadyAsync(CancellationToken cancellationToken) => Client(
        ["--socket=" + Socket, "--user=root"],
        $"CREATE USER '{UserName}'@'%' IDENTIFIED BY '{Password}'; GRANT ALL PRIVILEGES ON *.* TO '{UserName}'@'%';",
        cancellationToken);

    private static Task<string> Client(string[] connection, string sql, CancellationToken cancellationToken) => ClientAsync(
        Tools.Client, ["--no-defaults", .. connection, "--connect-timeout=10", "--batch", "--skip-column-names", "--execute=" + sql], sql, cancellationToken);

    private static ServerProcess Launch(string folder, int port) => ServerProcess.Start(DatabaseAccount.Command(
        Tools.Server,
        [
            "--no-defaults", "--datadir=" + Path.Combine(folder, "data"), "--tmpdir=" + folder, "--socket=" + Path.Combine(folder, "mysqld.sock"),
            "--port=" + port.ToString(CultureInfo.InvariantCulture), "--bind-address=" + Host,
            "--pid-file=" + Path.Combine(folder, "mysqld.pid"), "--skip-name-resolve", "--skip-log-bin",
            "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=32M",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
        ],
        folder));

    private static Binaries? FindBinaries()
    {
        string[] folders = ["/usr/sbin", "/usr/bin", .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)];
        string? Find(params string[] names) =>
            names.SelectMany(name => folders.Select(folder => Path.Combine(folder, name))).FirstOrDefault(File.Exists);

        return (Find("mariadbd", "mysqld"), Find("mariadb-install-db", "mysql_install_db"), Find("mariadb", "mysql"), Find("mariadb-admin", "mysqladmin")) is
            (string server, string installDb, string client, string admin)
            ? new Binaries(server, installDb, client, admin)
            : null;
    }

    private sealed record Binaries(string Server, string InstallDb, string Client, string Admin);
}

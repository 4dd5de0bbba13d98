namespace RecSynth.Testing;

/// <summary>
/// What the throwaway database servers share: a temp folder handed to <see cref="DatabaseAccount"/>, a server process
/// on a free loopback port, one password-protected user, fresh databases on demand, and a stop that leaves nothing.
/// </summary>
internal abstract class DatabaseServer : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string UserName = "recsynth";

    protected static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _folder;
    private readonly ServerProcess _process;
    private readonly int _stopSignal;
    private int _databases;

    protected DatabaseServer(TempDirectory folder, ServerProcess process, int port, string password, int stopSignal)
    {
        _folder = folder;
        _process = process;
        _stopSignal = stopSignal;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string Folder => _folder.Path;

    public string DataFolder => Path.Combine(_folder.Path, "data");

    public int ProcessId => _process.Id;

    public string LogTail => _process.LogTail();

    /// <summary>A .NET driver connection string for a database on this server.</summary>
    public abstract string ConnectionString(string database);

    /// <summary>The URL Gorse's <c>[database] data_store</c> takes for a database on this server.</summary>
    public abstract string GorseUrl(string database);

    /// <summary>Runs SQL with the server's command-line client; returns its rows without headers; throws with the client's message when it fails.</summary>
    public abstract Task<string> QueryAsync(string database, string sql, CancellationToken cancellationToken = default);

    /// <summary>Creates a fresh, empty database (test_1, test_2, …) and returns how to reach it.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        string name = "test_" + Interlocked.Increment(ref _databases).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await QueryAsync(AdminDatabase, CreateDatabaseSql(name), cancellationToken);
        return new TestDatabase(name, ConnectionString(name), GorseUrl(name));
    }

    /// <summary>Stops the server (its own signal, killed with its children after 10 s), then deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(_stopSignal, TimeSpan.FromSeconds(10));
        _folder.Dispose();
    }

    protected abstract string AdminDatabase { get; }

    protected abstract string CreateDatabaseSql(string name);

    protected abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    protected virtual Task OnReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Skips the test when the server's binaries are missing, unless CI=true, where it fails.</summary>
    protected static void Require(string? missing, string product, string packages)
    {
        if (missing is not null)
        {
            if (Ci.IsRunning)
            {
                Assert.Fail($"CI=true but {missing}. Install the Debian package(s) {packages}.");
            }

            Assert.Skip($"{product} tests skipped on this machine: {missing}");
        }
    }

    /// <summary>
    /// Makes the folder, hands it to the account, lets <paramref name="initialise"/> create the data folder (given the
    /// folder and the password), then launches the server on a free port until it accepts connections.
    /// </summary>
    protected static async Task<TServer> StartAsync<TServer>(
        string kind, Func<string, string, CancellationToken, Task> initialise, Func<TempDirectory, int, string, TServer> launch, CancellationToken cancellationToken)
        where TServer : DatabaseServer
    {
        var folder = new TempDirectory(kind);
        try
        {
            string password = Guid.NewGuid().ToString("N");
            await DatabaseAccount.TakeAsync(folder.Path, cancellationToken);
            await initialise(folder.Path, password, cancellationToken);

            // A port free a moment ago may be taken before the server binds it: try another.
            for (int attempt = 1; ; attempt++)
            {
                var server = launch(folder, ServerProcess.FreePort(), password);
                try
                {
                    await server._process.WaitUntilReadyAsync(kind, server.IsReadyAsync, StartTimeout, cancellationToken);
                    await server.OnReadyAsync(cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.LogTail.Contains("Address already in use", StringComparison.Ordinal))
                {
                    server._process.Dispose();
                }
                catch
                {
                    server._process.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Runs a program (initdb, mariadb-install-db) as the account in the folder; throws with its output when it fails.</summary>
    protected static async Task InitialiseAsync(string file, IEnumerable<string> args, string folder, CancellationToken cancellationToken)
    {
        var (code, output, error) = await DatabaseAccount.RunAsync(DatabaseAccount.Command(file, args, folder), StartTimeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} exited with {code}:\n{error}{output}");
        }
    }

    /// <summary>Runs a command-line client as the current user; throws with its message when it fails.</summary>
    protected static async Task<string> ClientAsync(string file, IEnumerable<string> args, string sql, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (code, output, error) = await DatabaseAccount.RunAsync(file, args, TimeSpan.FromSeconds(60), cancellationToken, environment);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} exited with {code} on: {sql}\n{error}");
        }

        return output;
    }
}

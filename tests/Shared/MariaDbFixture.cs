namespace RecSynth.Testing;

/// <summary>
/// One throwaway MariaDB server for a test class (<c>IClassFixture&lt;MariaDbFixture&gt;</c>); each test takes a fresh
/// database from it. Public because xunit builds it for public test classes; what it hands out stays internal.
/// </summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    private MariaDbServer? _server;

    /// <summary>The running server; skips the test (fails it when CI=true) when MariaDB is missing.</summary>
    internal MariaDbServer Server
    {
        get
        {
            MariaDbServer.Require();
            return _server ?? throw new InvalidOperationException("the MariaDB fixture was not started");
        }
    }

    public async ValueTask InitializeAsync()
    {
        // Missing binaries are reported per test (skip, or fail in CI), not as a fixture error.
        if (MariaDbServer.Missing is null)
        {
            _server = await MariaDbServer.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

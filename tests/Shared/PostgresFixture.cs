namespace RecSynth.Testing;

/// <summary>
/// One throwaway PostgreSQL server for a test class (<c>IClassFixture&lt;PostgresFixture&gt;</c>); each test takes a fresh
/// database from it. Public because xunit builds it for public test classes; what it hands out stays internal.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The running server; skips the test (fails it when CI=true) when PostgreSQL is missing.</summary>
    internal PostgresServer Server
    {
        get
        {
            PostgresServer.Require();
            return _server ?? throw new InvalidOperationException("the PostgreSQL fixture was not started");
        }
    }

    public async ValueTask InitializeAsync()
    {
        // Missing binaries are reported per test (skip, or fail in CI), not as a fixture error.
        if (PostgresServer.Missing is null)
        {
            _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
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

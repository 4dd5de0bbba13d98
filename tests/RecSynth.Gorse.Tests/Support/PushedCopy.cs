using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary>A private copy of the small dataset, pushed with <c>--quiet</c> into a fresh test server: where a resume or a verify starts.</summary>
internal sealed class PushedCopy : IAsyncDisposable
{
    private readonly TempDirectory _temp;

    private PushedCopy(TempDirectory temp, string folder, GorseTestServer server)
    {
        _temp = temp;
        Folder = folder;
        Server = server;
    }

    public string Folder { get; }

    public GorseTestServer Server { get; }

    public string Url => Server.Endpoint.ToString();

    /// <summary>Copies the dataset into a temporary folder named after <paramref name="name"/> and pushes it with <paramref name="options"/>.</summary>
    public static async Task<PushedCopy> StartAsync(SmallDataset dataset, string name, params string[] options)
    {
        var temp = new TempDirectory(name);
        var server = await GorseTestServer.StartAsync();
        var copy = new PushedCopy(temp, dataset.CopyTo(temp), server);
        try
        {
            var pushed = await Tool.RunAsync(["push", copy.Folder, "--url", copy.Url, "--quiet", .. options]);
            Assert.True(pushed.ExitCode == 0, pushed.ToString());
            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _temp.Dispose();
    }
}

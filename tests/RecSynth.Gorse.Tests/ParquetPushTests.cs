using RecSynth.Gorse.TestServer;
using RecSynth.Testing;
using Tool = RecSynth.Cli.Tests.Cli;

namespace RecSynth.Gorse.Tests;

/// <summary>A folder written by <c>generate --format parquet</c> is pushed from its Parquet tables.</summary>
public sealed class ParquetPushTests
{
    [Fact]
    public async Task A_parquet_only_dataset_is_pushed_and_the_server_holds_what_its_csv_twin_holds()
    {
        using var temp = new TempDirectory("push-parquet");
        string config = temp.File("weeks.toml");
        await File.WriteAllTextAsync(config, "[time]\nstart = 2023-01-01T00:00:00Z\nend = 2023-01-15T00:00:00Z\n", TestContext.Current.CancellationToken);
        string both = temp.Sub("both"), parquet = temp.Sub("parquet");
        var generated = await Tool.RunAsync("generate", "-c", config, "--products", "300", "--users", "200", "--format", "csv,parquet", "-o", both, "--quiet");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        Directory.CreateDirectory(parquet);
        foreach (string file in Directory.EnumerateFiles(both).Where(f => !f.EndsWith(".csv", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(parquet, Path.GetFileName(file)));
        }

        await using var server = await GorseTestServer.StartAsync();
        var pushed = await Tool.RunAsync("push", parquet, "--url", server.Endpoint.ToString(), "--with-embeddings", "--quiet");
        var resumed = await Tool.RunAsync("push", parquet, "--url", server.Endpoint.ToString(), "--with-embeddings", "--resume", "--quiet");

        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        ExpectedState.Of(both, withEmbeddings: true).AssertHeldBy(server.Store);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
    }
}
